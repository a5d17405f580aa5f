/* Consent banner: asks before any optional script runs, keeps the choice, reports it to the
   consent server when one is configured. No dependencies, no build step. */
(function () {
  "use strict";
  var d = document, w = window;
  var node = d.getElementById("consent-config");
  if (!node || w.consent) return;
  var cfg = JSON.parse(node.textContent), t = cfg.t, KEY = "consent";
  var listeners = [], state = load(), banner, dialog, lastFocus, ranScripts = [];
  var gpc = navigator.globalPrivacyControl === true;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)); } catch (e) { return null; }
  }
  function save(s) {
    state = s;
    try { localStorage.setItem(KEY, JSON.stringify(s)); } catch (e) { /* private mode */ }
  }
  /* A decision counts only for the policy it was made on, and only for the configured lifetime. */
  function current() {
    var s = state;
    return s && s.policy_version === cfg.v && Date.now() - Date.parse(s.decided_at) < cfg.lifetime * 864e5 ? s : null;
  }
  function allowed(category, service) {
    var s = current();
    if (!category) return false;
    if (required(category)) return true;
    return !!(s && (s.choices[category] || (service && s.services && s.services[service])));
  }
  function required(id) {
    for (var i = 0; i < cfg.categories.length; i++) if (cfg.categories[i].id === id) return cfg.categories[i].required;
    return false;
  }
  function optional() {
    return cfg.categories.filter(function (c) { return !c.required; });
  }
  function held(c) { return gpc && c.gpc; }

  function el(tag, attrs, text) {
    var e = d.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function button(action, label) {
    return el("button", { type: "button", "class": "consent-btn", "data-consent-action": action }, label);
  }

  /* Gated scripts and frames run or load only once their category (or service) is allowed. */
  function activate() {
    var nodes = d.querySelectorAll('script[type="text/plain"][data-consent-category],iframe[data-consent-category][data-src]');
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      if (n.getAttribute("data-consent-done") || !allowed(n.getAttribute("data-consent-category"), n.getAttribute("data-consent-service"))) continue;
      n.setAttribute("data-consent-done", "1");
      if (n.tagName === "IFRAME") {
        n.src = n.getAttribute("data-src");
        var box = n.closest("[data-consent-embed]");
        if (box) box.setAttribute("data-consent-loaded", "1");
        continue;
      }
      var s = d.createElement("script");
      for (var j = 0; j < n.attributes.length; j++) {
        var a = n.attributes[j];
        if (a.name !== "type" && a.name !== "data-type" && a.name !== "data-src") s.setAttribute(a.name, a.value);
      }
      if (n.getAttribute("data-type")) s.type = n.getAttribute("data-type");
      var src = n.getAttribute("data-src") || n.getAttribute("src");
      if (src) { s.src = src; s.async = false; } else s.text = n.text;
      n.parentNode.insertBefore(s, n.nextSibling);
      ranScripts.push(s);
    }
  }

  /* Cookies declared for services of refused categories are deleted on every path and domain. */
  function clearCookies() {
    var names = d.cookie.split(";").map(function (c) { return c.split("=")[0].trim(); });
    cfg.services.forEach(function (svc) {
      if (allowed(svc.category, svc.id)) return;
      (svc.cookies || []).forEach(function (ck) {
        var prefix = ck.name.replace(/\*$/, ""), wild = prefix !== ck.name;
        names.forEach(function (name) {
          if (name === ck.name || (wild && name.indexOf(prefix) === 0)) expire(name);
        });
      });
    });
  }
  function expire(name) {
    var parts = location.hostname.split("."), path = location.pathname.split("/");
    for (var i = 0; i < parts.length; i++) {
      var domain = parts.slice(i).join(".");
      for (var j = path.length; j > 0; j--) {
        var p = path.slice(0, j).join("/") || "/";
        d.cookie = name + "=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=" + p + "; domain=" + domain;
        d.cookie = name + "=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=" + p;
      }
    }
  }

  function consentMode() {
    if (!cfg.consentMode || typeof w.gtag !== "function") return;
    var update = {};
    for (var cat in cfg.consentMode) cfg.consentMode[cat].forEach(function (type) {
      update[type] = allowed(cat) ? "granted" : "denied";
    });
    w.gtag("consent", "update", update);
  }

  /* Each decision is sent with its own key, so a resend after a lost answer is not logged twice. */
  function key() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function decide(method, choices, services) {
    var prev = current();
    save({ choices: choices, services: services || {}, policy_version: cfg.v, decided_at: new Date().toISOString(),
      method: method, consent_id: state && state.consent_id, token: state && state.token,
      pending: method === "withdraw" ? "withdraw" : "decision", request_id: key() });
    closeAll();
    apply(prev);
    send();
  }
  function apply(prev) {
    clearCookies();
    activate();
    consentMode();
    var s = current();
    listeners.forEach(function (fn) { try { fn(api.get(), prev); } catch (e) { console.error(e); } });
    if (s) d.documentElement.setAttribute("data-consent", Object.keys(s.choices).filter(function (k) { return s.choices[k]; }).join(" "));
  }

  /* Reporting to the server never blocks the visitor: a failure is retried on the next page. */
  function send() {
    var s = current();
    if (!cfg.endpoint || !s || !s.pending) return;
    var headers = { "Content-Type": "application/json", "Idempotency-Key": s.request_id };
    if (s.token) headers["X-Consent-Token"] = s.token;
    var request = s.pending === "withdraw"
      ? fetch(cfg.endpoint + "/consent", { method: "DELETE", credentials: "include", headers: headers })
      : fetch(cfg.endpoint + "/consent", { method: "POST", credentials: "include", headers: headers, body: JSON.stringify({
          choices: s.choices, services: s.services, policy_version: cfg.v, language: cfg.lang, page_url: location.href, method: s.method }) });
    request.then(function (r) {
      if (r.status === 404 && s.pending === "withdraw") return {};
      if (!r.ok) throw new Error("consent server answered " + r.status);
      return r.json();
    }).then(function (body) {
      var now = load() || s;
      if (now.request_id !== s.request_id) return;
      if (body.token) { now.token = body.token; now.consent_id = body.consent_id; }
      delete now.pending;
      save(now);
    }).catch(function (e) { console.warn("consent: the choice is kept in this browser and will be sent later:", e.message); });
  }

  function choicesFrom(all) {
    var c = {};
    optional().forEach(function (cat) { c[cat.id] = all && !held(cat); });
    return c;
  }
  function acceptAll() {
    var c = choicesFrom(true), every = optional().every(function (cat) { return c[cat.id]; });
    decide(every ? "accept_all" : "custom", c);
  }
  function rejectAll() { decide("reject_all", choicesFrom(false)); }
  function saveDialog() {
    var c = {}, s = {};
    dialog.querySelectorAll("input[data-consent-category]").forEach(function (i) {
      if (!i.disabled) c[i.getAttribute("data-consent-category")] = i.checked;
    });
    dialog.querySelectorAll("input[data-consent-service]").forEach(function (i) {
      s[i.getAttribute("data-consent-service")] = i.checked;
    });
    decide("custom", c, s);
  }
  function withdraw() {
    decide("withdraw", choicesFrom(false), {});
  }

  function buildBanner() {
    banner = el("section", { "class": "consent-ui consent-banner", "data-consent-banner": "", role: "region",
      "aria-label": t.banner_title, "aria-describedby": "consent-banner-text" });
    banner.appendChild(el("h2", { "class": "consent-title" }, t.banner_title));
    var p = el("p", { id: "consent-banner-text" }, t.banner_text + " ");
    if (cfg.links.policy) p.appendChild(el("a", { href: cfg.links.policy }, t.policy_link));
    banner.appendChild(p);
    if (gpc) banner.appendChild(el("p", { "class": "consent-gpc", "data-consent-gpc": "" }, t.gpc_honoured));
    var row = el("div", { "class": "consent-actions" });
    row.appendChild(button("accept-all", t.accept_all));
    row.appendChild(button("reject-all", t.reject_all));
    row.appendChild(button("customize", t.customize));
    if (granted()) row.appendChild(button("withdraw", t.withdraw));
    banner.appendChild(row);
    d.body.insertBefore(banner, d.body.firstChild);
  }
  function granted() {
    var s = current();
    return !!(s && [s.choices, s.services || {}].some(function (m) { return Object.keys(m).some(function (k) { return m[k]; }); }));
  }

  function buildDialog() {
    var s = current();
    dialog = el("div", { "class": "consent-ui consent-dialog", role: "dialog", "aria-modal": "true",
      "aria-labelledby": "consent-dialog-title", "data-consent-dialog": "", tabindex: "-1" });
    var box = el("div", { "class": "consent-box" });
    box.appendChild(el("h2", { id: "consent-dialog-title", "class": "consent-title" }, t.dialog_title));
    box.appendChild(el("p", {}, t.dialog_text));
    if (gpc) box.appendChild(el("p", { "class": "consent-gpc" }, t.gpc_honoured));
    cfg.categories.forEach(function (cat) {
      var id = "consent-cat-" + cat.id, fs = el("fieldset", { "class": "consent-category" });
      var label = el("label", { "for": id, "class": "consent-switch" });
      var input = el("input", { type: "checkbox", id: id, "data-consent-category": cat.id, role: "switch" });
      input.checked = cat.required || !!(s && s.choices[cat.id]);
      if (cat.required) { input.disabled = true; input.setAttribute("aria-describedby", id + "-on"); }
      label.appendChild(input);
      label.appendChild(el("span", { "class": "consent-label" }, cat.title));
      if (cat.required) label.appendChild(el("span", { id: id + "-on", "class": "consent-note" }, t.always_on));
      fs.appendChild(label);
      if (cat.description) fs.appendChild(el("p", { "class": "consent-desc" }, cat.description));
      var services = cfg.services.filter(function (svc) { return svc.category === cat.id; });
      if (services.length) fs.appendChild(serviceList(services, cat, s));
      box.appendChild(fs);
    });
    var row = el("div", { "class": "consent-actions" });
    row.appendChild(button("save", t.save));
    row.appendChild(button("accept-all", t.accept_all));
    row.appendChild(button("reject-all", t.reject_all));
    if (granted()) row.appendChild(button("withdraw", t.withdraw));
    box.appendChild(row);
    var close = el("button", { type: "button", "class": "consent-close", "data-consent-action": "close", "aria-label": t.close }, "\u00d7");
    box.insertBefore(close, box.firstChild);
    dialog.appendChild(box);
    d.body.appendChild(dialog);
  }
  function serviceList(services, cat, s) {
    var details = el("details", { "class": "consent-services" });
    details.appendChild(el("summary", {}, t.services_label + " (" + services.length + ")"));
    services.forEach(function (svc) {
      var item = el("div", { "class": "consent-service" });
      if (!cat.required) {
        var label = el("label", {}), input = el("input", { type: "checkbox", "data-consent-service": svc.id });
        input.checked = !!(s && s.services && s.services[svc.id]);
        label.appendChild(input);
        label.appendChild(d.createTextNode(" " + svc.name + (svc.provider ? " (" + svc.provider + ")" : "")));
        item.appendChild(label);
      } else item.appendChild(el("strong", {}, svc.name + (svc.provider ? " (" + svc.provider + ")" : "")));
      if (svc.purpose) item.appendChild(el("p", {}, svc.purpose));
      if (svc.cookies && svc.cookies.length) {
        var table = el("table", {}), head = el("tr", {});
        [t.cookie_name, t.cookie_purpose, t.cookie_duration].forEach(function (h) { head.appendChild(el("th", { scope: "col" }, h)); });
        table.appendChild(head);
        svc.cookies.forEach(function (ck) {
          var tr = el("tr", {});
          [ck.name, ck.purpose, ck.duration].forEach(function (v) { tr.appendChild(el("td", {}, v)); });
          table.appendChild(tr);
        });
        item.appendChild(table);
      }
      details.appendChild(item);
    });
    return details;
  }

  function show(layer) {
    closeAll(true);
    lastFocus = d.activeElement;
    if (layer === "dialog") {
      buildDialog();
      var first = dialog.querySelector("input:not([disabled]),button");
      (first || dialog).focus();
    } else {
      buildBanner();
    }
    toggleOpener();
  }
  function closeAll(keepFocus) {
    [banner, dialog].forEach(function (n) { if (n && n.parentNode) n.parentNode.removeChild(n); });
    banner = dialog = null;
    toggleOpener();
    if (!keepFocus && lastFocus && lastFocus.focus) lastFocus.focus();
  }
  function closeDialog() {
    closeAll();
    if (!current()) show("banner");
  }
  var opener;
  function toggleOpener() {
    if (opener) opener.hidden = !!(banner || dialog);
  }

  d.addEventListener("click", function (e) {
    var target = e.target.closest && e.target.closest("[data-consent-action],[data-consent-open]");
    if (!target) return;
    if (target.hasAttribute("data-consent-open")) { e.preventDefault(); return show("dialog"); }
    var embed = target.closest("[data-consent-embed]");
    switch (target.getAttribute("data-consent-action")) {
      case "accept-all": return acceptAll();
      case "reject-all": return rejectAll();
      case "customize": return show("dialog");
      case "save": return saveDialog();
      case "withdraw": return withdraw();
      case "close": return closeDialog();
      case "load-service": return embedChoice(embed, true);
      case "allow-category": return embedChoice(embed, false);
    }
  });
  function embedChoice(embed, serviceOnly) {
    if (!embed) return;
    var s = current(), c = choicesFrom(false), svc = {};
    if (s) { for (var k in s.choices) c[k] = s.choices[k]; for (var k2 in s.services || {}) svc[k2] = s.services[k2]; }
    if (serviceOnly) svc[embed.getAttribute("data-consent-service")] = true;
    else c[embed.getAttribute("data-consent-category")] = true;
    decide("custom", c, svc);
  }

  d.addEventListener("keydown", function (e) {
    if (!dialog) return;
    if (e.key === "Escape") { e.preventDefault(); return closeDialog(); }
    if (e.key !== "Tab") return;
    var f = dialog.querySelectorAll("button,input:not([disabled]),summary,a[href]");
    var first = f[0], last = f[f.length - 1];
    if (e.shiftKey && (d.activeElement === first || d.activeElement === dialog)) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && d.activeElement === last) { e.preventDefault(); first.focus(); }
  });

  var api = {
    get: function () {
      var s = current();
      return s ? { choices: s.choices, services: s.services || {}, method: s.method, policy_version: s.policy_version,
        decided_at: s.decided_at, consent_id: s.consent_id || null, token: s.token || null } : null;
    },
    open: function () { show("dialog"); },
    on: function (event, fn) { if (event === "change") listeners.push(fn); },
    withdraw: withdraw,
    forget: function () {
      try { localStorage.removeItem(KEY); } catch (e) { /* nothing stored */ }
      state = null;
      apply(null);
      show("banner");
    }
  };
  w.consent = api;

  /* The style sheet loads as media="print", so it never blocks rendering; the banner waits for
     it, so it never shows unstyled or in the page's flow (no layout shift). */
  function styled(fn) {
    var link = d.getElementById("consent-style");
    if (link) link.media = "all";
    if (!link || link.sheet) return fn();
    link.addEventListener("load", fn);
    link.addEventListener("error", fn);
  }
  function start() {
    if (current()) { apply(null); send(); }
    if (w.document$ && w.document$.subscribe) w.document$.subscribe(activate);
    styled(function () {
      opener = el("button", { type: "button", "class": "consent-ui consent-opener", "data-consent-open": "" }, t.settings_link);
      d.body.appendChild(opener);
      if (!current() && !banner && !dialog) show("banner");
    });
  }
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", start); else start();
})();
