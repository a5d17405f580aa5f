/* The visitor's own consent record on the cookie policy page: see it, download it, withdraw
   consent, erase the personal data kept with it (GDPR Art. 7(3), 15, 17, 20). */
(function () {
  "use strict";
  var d = document, box = d.querySelector("[data-consent-self-service]"), api = window.consent;
  if (!box || !api) return;
  var endpoint = box.getAttribute("data-endpoint"), t = JSON.parse(box.getAttribute("data-texts"));
  var panel = d.createElement("div");
  panel.className = "consent-record__panel";
  box.appendChild(panel);

  function el(tag, attrs, text) {
    var e = d.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function request(method, path) {
    var state = api.get();
    return fetch(endpoint + path, { method: method, credentials: "include", headers: { "X-Consent-Token": state.token } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r; });
  }
  function say(text) {
    var note = panel.querySelector("[data-consent-record-status]");
    note.textContent = text;
  }

  function render() {
    var state = api.get();
    panel.replaceChildren();
    panel.appendChild(el("p", { "data-consent-record-status": "", role: "status" }));
    if (!state) { say(t.record_none); return; }
    var list = el("dl", { "class": "consent-record__summary" });
    list.appendChild(el("dt", {}, t.record_id));
    list.appendChild(el("dd", { "data-consent-record-id": "" }, state.consent_id || "\u2014"));
    list.appendChild(el("dt", {}, t.record_choices));
    var choices = el("dd", {}), ul = el("ul", {});
    Object.keys(state.choices).forEach(function (id) {
      ul.appendChild(el("li", { "data-consent-record-choice": id }, id + ": " + (state.choices[id] ? t.granted : t.denied)));
    });
    choices.appendChild(ul);
    list.appendChild(choices);
    panel.appendChild(list);
    var actions = el("p", { "class": "consent-record__actions" });
    actions.appendChild(el("button", { type: "button", "class": "md-button", "data-consent-record": "download" }, t.record_download));
    actions.appendChild(el("button", { type: "button", "class": "md-button", "data-consent-record": "withdraw" }, t.withdraw));
    if (endpoint && state.token) actions.appendChild(el("button", { type: "button", "class": "md-button", "data-consent-record": "erase" }, t.record_erase));
    panel.appendChild(actions);
    if (endpoint && state.token) history();
  }

  function history() {
    request("GET", "/consent/history").then(function (r) { return r.json(); }).then(function (body) {
      var table = el("table", { "data-consent-record-history": "" }), head = el("tr", {});
      ["created_at", "method", "granted", "policy_version"].forEach(function (h) { head.appendChild(el("th", { scope: "col" }, h)); });
      table.appendChild(head);
      body.records.forEach(function (record) {
        var tr = el("tr", {});
        [record.created_at, record.method, record.granted.join(", "), record.policy_version].forEach(function (v) { tr.appendChild(el("td", {}, v)); });
        table.appendChild(tr);
      });
      var title = el("h3", {}, t.record_history);
      panel.appendChild(title);
      panel.appendChild(table);
    }).catch(function () { say(t.record_unavailable); });
  }

  function download() {
    var state = api.get();
    var ready = endpoint && state && state.token
      ? request("GET", "/consent/export").then(function (r) { return r.blob(); })
      : Promise.resolve(new Blob([JSON.stringify({ standard: "ISO/IEC TS 27560:2023", stored_in_browser: state }, null, 2)], { type: "application/json" }));
    ready.then(function (blob) {
      var link = el("a", { href: URL.createObjectURL(blob), download: "my-consent-record.json" });
      d.body.appendChild(link);
      link.click();
      link.remove();
    }).catch(function () { say(t.record_unavailable); });
  }

  function erase() {
    if (!window.confirm(t.record_erase_confirm)) return;
    request("DELETE", "/consent/history").then(function () {
      api.forget();
      say(t.record_erased);
    }).catch(function () { say(t.record_unavailable); });
  }

  box.addEventListener("click", function (e) {
    var action = e.target.getAttribute && e.target.getAttribute("data-consent-record");
    if (action === "download") download();
    else if (action === "withdraw") api.withdraw();
    else if (action === "erase") erase();
  });
  api.on("change", render);
  render();
})();
