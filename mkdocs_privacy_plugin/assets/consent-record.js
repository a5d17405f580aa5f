/* The visitor's own consent record on the cookie policy page: see it, download it, withdraw
   consent, erase the personal data kept with it (GDPR Art. 7(3), 15, 17, 20). */
(() => {
  "use strict";
  const block = document.querySelector("[data-consent-self-service]");
  const consent = window.consent;
  if (!block || !consent) return;
  const endpoint = block.dataset.endpoint;
  const texts = JSON.parse(block.dataset.texts);
  /* The banner's configuration names the categories. */
  const config = JSON.parse(document.getElementById("consent-config").textContent);
  const categoryTitles = Object.fromEntries(
    config.categories.map((category) => [category.id, category.title])
  );
  const dateFormat = pageDateFormat(document.documentElement.lang || config.lang);
  const panel = element("div", { class: "consent-record__panel" });
  block.appendChild(panel);
  let rendering = 0; // a history that arrives after a newer render is dropped

  function pageDateFormat(language) {
    const style = { dateStyle: "long", timeStyle: "short" };
    try {
      return new Intl.DateTimeFormat(language, style);
    } catch (error) {
      return new Intl.DateTimeFormat(undefined, style); // a lang the browser does not know
    }
  }

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    if (text != null) node.textContent = text;
    return node;
  }

  function button(action, label) {
    const attributes = { type: "button", class: "consent-record__button" };
    return element("button", { ...attributes, "data-consent-record": action }, label);
  }

  function request(method, path) {
    const headers = { "X-Consent-Token": consent.get().token };
    return fetch(endpoint + path, { method, credentials: "include", headers }).then((response) => {
      if (!response.ok) throw new Error(response.status);
      return response;
    });
  }

  function say(text) {
    panel.querySelector("[data-consent-record-status]").textContent = text;
  }

  function render() {
    const state = consent.get();
    const generation = ++rendering;
    panel.replaceChildren(element("p", { "data-consent-record-status": "", role: "status" }));
    if (!state) {
      say(texts.record_none);
      return;
    }
    if (state.pending) say(texts.record_pending);
    panel.appendChild(summary(state));
    const actions = element("p", { class: "consent-record__actions" });
    actions.append(button("download", texts.record_download), button("withdraw", texts.withdraw));
    const onServer = Boolean(endpoint && state.token);
    if (onServer) actions.appendChild(button("erase", texts.record_erase));
    panel.appendChild(actions);
    if (onServer) showHistory(generation);
  }

  function summary(state) {
    const list = element("dl", {}); // no class: readthedocs styles dl[class] as API docs
    list.appendChild(element("dt", {}, texts.record_id));
    list.appendChild(element("dd", { "data-consent-record-id": "" }, state.consent_id || "\u2014"));
    list.appendChild(element("dt", {}, texts.record_choices));
    const choices = element("ul", { class: "consent-record__choices" });
    for (const [id, allowed] of Object.entries(state.choices)) {
      const text = `${categoryTitles[id] || id}: ${allowed ? texts.granted : texts.denied}`;
      const attributes = { class: "consent-record__choice", "data-consent-record-choice": id };
      choices.appendChild(element("li", attributes, text));
    }
    list.appendChild(element("dd", {})).appendChild(choices);
    return list;
  }

  function showHistory(generation) {
    request("GET", "/consent/history")
      .then((response) => response.json())
      .then((body) => {
        if (generation !== rendering) return;
        panel.appendChild(element("h3", { class: "consent-record__title" }, texts.record_history));
        panel.appendChild(historyTable(body.records));
      })
      .catch(() => say(texts.record_unavailable));
  }

  function historyTable(records) {
    const table = element("table", { class: "consent-record__history" });
    table.setAttribute("data-consent-record-history", "");
    const head = table.createTHead().insertRow();
    const columns = [texts.record_date, texts.record_method, texts.record_granted,
      texts.record_policy_version];
    for (const label of columns) head.appendChild(element("th", { scope: "col" }, label));
    const body = table.createTBody();
    for (const record of records) {
      const row = body.insertRow();
      row.setAttribute("data-consent-record-method", record.method);
      const when = element("time", { datetime: record.created_at });
      when.textContent = dateFormat.format(new Date(record.created_at));
      row.insertCell().appendChild(when);
      row.insertCell().textContent = texts[`method_${record.method}`] || record.method;
      const granted = record.granted.map((id) => categoryTitles[id] || id);
      row.insertCell().textContent = granted.join(", ") || texts.record_granted_none;
      /* not <code>: themes colour code (readthedocs in a red too faint for small text) */
      const version = { class: "consent-record__version" };
      row.insertCell().appendChild(element("span", version, record.policy_version));
    }
    return table;
  }

  function download() {
    const state = consent.get();
    const receipt = { standard: "ISO/IEC TS 27560:2023", stored_in_browser: state };
    const ready = endpoint && state && state.token
      ? request("GET", "/consent/export").then((response) => response.blob())
      : Promise.resolve(
        new Blob([JSON.stringify(receipt, null, 2)], { type: "application/json" })
      );
    ready
      .then((blob) => {
        const link = element("a", {
          href: URL.createObjectURL(blob),
          download: "my-consent-record.json",
        });
        document.body.appendChild(link);
        link.click();
        link.remove();
      })
      .catch(() => say(texts.record_unavailable));
  }

  function erase() {
    if (!window.confirm(texts.record_erase_confirm)) return;
    request("DELETE", "/consent/history")
      .then(() => {
        consent.forget();
        say(texts.record_erased);
      })
      .catch(() => say(texts.record_unavailable));
  }

  const ACTIONS = { download, withdraw: () => consent.withdraw(), erase };
  block.addEventListener("click", (event) => {
    ACTIONS[event.target.closest?.("[data-consent-record]")?.dataset.consentRecord]?.();
  });
  consent.on("change", render);
  render();
})();
