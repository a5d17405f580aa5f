/* Consent banner: asks before any optional script runs, keeps the choice, reports it to the
   consent server when one is configured. No dependencies, no build step. */
(() => {
  "use strict";
  const d = document, w = window, node = d.getElementById("consent-config");
  if (!node || w.consent) return;
  const cfg = JSON.parse(node.textContent), t = cfg.t, KEY = "consent", listeners = [];
  const gpc = navigator.globalPrivacyControl === true;
  const optional = cfg.categories.filter((c) => !c.required);
  let state = load(), banner, dialog, opener, lastFocus;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)); } catch (e) { return null; }
  }
  function save(s) {
    state = s;
    try { localStorage.setItem(KEY, JSON.stringify(s)); } catch (e) { /* private mode: this page only */ }
  }
  /* A decision counts only for the policy it was made on, and only for the configured lifetime. */
  function current() {
    const s = state;
    return s && s.policy_version === cfg.v && Date.now() - Date.parse(s.decided_at) < cfg.lifetime * 864e5 ? s : null;
  }
  function allowed(category, service) {
    const s = current();
    if (cfg.categories.some((c) => c.id === category && c.required)) return true;
    return !!(s && (s.choices[category] || s.services?.[service]));
  }
  const any = (map) => Object.keys(map || {}).some((k) => map[k]);
  const granted = () => { const s = current(); return !!s && (any(s.choices) || any(s.services)); };

  function el(tag, attrs, text, parent) {
    const e = d.createElement(tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function buttons(parent, actions) {
    const row = el("div", { class: "consent-actions" }, null, parent);
    actions.forEach((a) => el("button", { type: "button", class: "consent-btn", "data-consent-action": a }, t[a.replace("-", "_")], row));
  }

  /* Gated scripts and frames run or load once their category (or service) is allowed, once per page. */
  function activate() {
    d.querySelectorAll('script[type="text/plain"][data-consent-category],iframe[data-consent-category][data-src]').forEach((n) => {
      const data = n.dataset;
      if (data.consentDone || !allowed(data.consentCategory, data.consentService)) return;
      data.consentDone = "1";
      if (n.tagName === "IFRAME") {
        n.src = data.src;
        const box = n.closest("[data-consent-embed]");
        if (box) box.dataset.consentLoaded = "1";
        return;
      }
      const s = d.createElement("script"), src = data.src || n.getAttribute("src");
      for (const a of n.attributes) if (!/^(type|data-type|data-src)$/.test(a.name)) s.setAttribute(a.name, a.value);
      if (data.type) s.type = data.type;
      if (src) { s.src = src; s.async = false; } else s.text = n.text;
      n.after(s);
    });
  }

  /* Cookies declared for services not allowed are deleted for every path and parent domain;
     a name ending in "*" is a prefix. */
  function clearCookies() {
    const names = d.cookie.split(";").map((c) => c.split("=")[0].trim());
    const hosts = location.hostname.split("."), path = location.pathname.split("/");
    cfg.services.filter((svc) => !allowed(svc.category, svc.id)).forEach((svc) => svc.cookies.forEach((ck) => {
      const prefix = ck.name.replace(/\*$/, "");
      names.filter((n) => n === ck.name || (prefix !== ck.name && n.startsWith(prefix))).forEach((name) => {
        for (let i = 0; i <= hosts.length; i++) for (let j = path.length; j > 0; j--) {
          d.cookie = `${name}=; max-age=0; path=${path.slice(0, j).join("/") || "/"}` +
            (i < hosts.length ? "; domain=" + hosts.slice(i).join(".") : "");
        }
      });
    }));
  }

  function consentMode() {
    if (!cfg.consentMode || typeof w.gtag !== "function") return;
    const update = {};
    for (const cat in cfg.consentMode) cfg.consentMode[cat].forEach((type) => { update[type] = allowed(cat) ? "granted" : "denied"; });
    w.gtag("consent", "update", update);
  }

  function decide(method, choices, services) {
    const prev = current(), key = new Uint8Array(16);
    crypto.getRandomValues(key);
    /* Each decision carries its own key, so a resend after a lost answer is not logged twice. */
    save({ choices, services: services || {}, policy_version: cfg.v, decided_at: new Date().toISOString(), method,
      consent_id: state?.consent_id, token: state?.token,
      pending: method === "withdraw" ? "withdraw" : "decision",
      request_id: Array.from(key, (b) => b.toString(16).padStart(2, "0")).join("") });
    closeAll();
    apply(prev);
    send();
  }
  function apply(prev) {
    clearCookies();
    activate();
    consentMode();
    const s = current();
    listeners.forEach((fn) => { try { fn(api.get(), prev); } catch (e) { console.error(e); } });
    if (s) d.documentElement.setAttribute("data-consent", Object.keys(s.choices).filter((k) => s.choices[k]).join(" "));
  }

  /* Reporting to the server never blocks the visitor: a failure is retried on the next page. */
  function send() {
    const s = current();
    if (!cfg.endpoint || !s || !s.pending) return;
    const headers = { "Content-Type": "application/json", "Idempotency-Key": s.request_id };
    if (s.token) headers["X-Consent-Token"] = s.token;
    const withdrawal = s.pending === "withdraw";
    fetch(cfg.endpoint + "/consent", { method: withdrawal ? "DELETE" : "POST", credentials: "include", headers,
      body: withdrawal ? undefined : JSON.stringify({ choices: s.choices, services: s.services,
        policy_version: cfg.v, language: cfg.lang, page_url: location.href, method: s.method }) })
      .then((r) => {
        if (r.status === 404 && withdrawal) return {};
        if (!r.ok) throw new Error("consent server answered " + r.status);
        return r.json();
      })
      .then((body) => {
        const now = load() || s;
        if (now.request_id !== s.request_id) return;
        if (body.token) { now.token = body.token; now.consent_id = body.consent_id; }
        delete now.pending;
        save(now);
      })
      .catch((e) => console.warn("consent: the choice is kept in this browser and will be sent later:", e.message));
  }

  /* Under Global Privacy Control, categories flagged `gpc` (marketing) stay off unless chosen one by one. */
  function choicesFrom(all) {
    const c = {};
    optional.forEach((cat) => { c[cat.id] = all && !(gpc && cat.gpc); });
    return c;
  }
  function acceptAll() {
    const c = choicesFrom(true);
    decide(optional.every((cat) => c[cat.id]) ? "accept_all" : "custom", c);
  }
  function saveDialog() {
    const c = {}, s = {};
    dialog.querySelectorAll("input[data-consent-category]:not([disabled])").forEach((i) => { c[i.dataset.consentCategory] = i.checked; });
    dialog.querySelectorAll("input[data-consent-service]").forEach((i) => { s[i.dataset.consentService] = i.checked; });
    decide("custom", c, s);
  }
  const withdraw = () => decide("withdraw", choicesFrom(false), {});

  function buildBanner() {
    banner = el("section", { class: "consent-ui consent-banner", "data-consent-banner": "", role: "region",
      "aria-label": t.banner_title, "aria-describedby": "consent-banner-text" });
    el("h2", { class: "consent-title" }, t.banner_title, banner);
    const p = el("p", { id: "consent-banner-text" }, t.banner_text + " ", banner);
    [["policy", t.policy_link], ["privacy", t.privacy_link]].filter(([k]) => cfg.links[k]).forEach(([k, text], i) => {
      if (i) p.append(" \u00b7 ");
      el("a", { href: cfg.links[k], "data-consent-link": k }, text, p);
    });
    if (gpc) el("p", { class: "consent-gpc", "data-consent-gpc": "" }, t.gpc_honoured, banner);
    buttons(banner, ["accept-all", "reject-all", "customize"].concat(granted() ? ["withdraw"] : []));
    d.body.prepend(banner);
  }

  function buildDialog() {
    const s = current();
    dialog = el("div", { class: "consent-ui consent-dialog", role: "dialog", "aria-modal": "true",
      "aria-labelledby": "consent-dialog-title", "data-consent-dialog": "", tabindex: "-1" }, null, d.body);
    const box = el("div", { class: "consent-box" }, null, dialog);
    el("button", { type: "button", class: "consent-close", "data-consent-action": "close", "aria-label": t.close }, "\u00d7", box);
    el("h2", { id: "consent-dialog-title", class: "consent-title" }, t.dialog_title, box);
    el("p", {}, t.dialog_text, box);
    if (gpc) el("p", { class: "consent-gpc" }, t.gpc_honoured, box);
    cfg.categories.forEach((cat) => {
      const id = "consent-cat-" + cat.id, fs = el("fieldset", { class: "consent-category" }, null, box);
      const label = el("label", { for: id, class: "consent-switch" }, null, fs);
      const input = el("input", { type: "checkbox", id, "data-consent-category": cat.id, role: "switch" }, null, label);
      input.checked = cat.required || !!s?.choices[cat.id];
      el("span", { class: "consent-label" }, cat.title, label);
      if (cat.required) {
        input.disabled = true;
        input.setAttribute("aria-describedby", id + "-on");
        el("span", { id: id + "-on", class: "consent-note" }, t.always_on, label);
      }
      if (cat.description) el("p", { class: "consent-desc" }, cat.description, fs);
      const services = cfg.services.filter((svc) => svc.category === cat.id);
      if (services.length) serviceList(services, cat, s, fs);
    });
    buttons(box, ["save", "accept-all", "reject-all"].concat(granted() ? ["withdraw"] : []));
  }
  function serviceList(services, cat, s, parent) {
    const details = el("details", { class: "consent-services" }, null, parent);
    el("summary", {}, `${t.services_label} (${services.length})`, details);
    services.forEach((svc) => {
      const item = el("div", { class: "consent-service" }, null, details);
      const name = svc.name + (svc.provider ? ` (${svc.provider})` : "");
      if (cat.required) el("strong", {}, name, item);
      else {
        const label = el("label", {}, null, item);
        el("input", { type: "checkbox", "data-consent-service": svc.id }, null, label).checked = !!s?.services?.[svc.id];
        label.append(" " + name);
      }
      if (svc.purpose) el("p", {}, svc.purpose, item);
      if (!svc.cookies.length) return;
      const table = el("table", {}, null, item), head = el("tr", {}, null, table);
      [t.cookie_name, t.cookie_purpose, t.cookie_duration].forEach((h) => el("th", { scope: "col" }, h, head));
      svc.cookies.forEach((ck) => {
        const tr = el("tr", {}, null, table);
        [ck.name, ck.purpose, ck.duration].forEach((v) => el("td", {}, v, tr));
      });
    });
  }

  function show(layer) {
    closeAll(true);
    lastFocus = d.activeElement;
    if (layer === "dialog") {
      buildDialog();
      (dialog.querySelector("input:not([disabled]),button") || dialog).focus();
    } else buildBanner();
    toggleOpener();
  }
  function closeAll(keepFocus) {
    [banner, dialog].forEach((n) => n && n.remove());
    banner = dialog = null;
    toggleOpener();
    if (!keepFocus) lastFocus?.focus?.();
  }
  function closeDialog() {
    closeAll();
    if (!current()) show("banner");
  }
  function toggleOpener() {
    if (opener) opener.hidden = !!(banner || dialog);
  }

  /* "Load this content" (one service) and "Always allow" (its category) on an embed placeholder. */
  function embedChoice(embed, serviceOnly) {
    if (!embed) return;
    const s = current(), c = { ...choicesFrom(false), ...s?.choices }, svc = { ...s?.services };
    if (serviceOnly) svc[embed.dataset.consentService] = true;
    else c[embed.dataset.consentCategory] = true;
    decide("custom", c, svc);
  }

  d.addEventListener("click", (e) => {
    const target = e.target.closest?.("[data-consent-action],[data-consent-open]");
    if (!target) return;
    if (target.hasAttribute("data-consent-open")) { e.preventDefault(); return show("dialog"); }
    const embed = target.closest("[data-consent-embed]");
    ({
      "accept-all": acceptAll,
      "reject-all": () => decide("reject_all", choicesFrom(false)),
      customize: () => show("dialog"),
      save: saveDialog,
      withdraw,
      close: closeDialog,
      "load-service": () => embedChoice(embed, true),
      "allow-category": () => embedChoice(embed, false),
    }[target.dataset.consentAction] || Object)();
  });

  /* The dialog keeps the focus inside (Tab wraps) and Escape closes it without deciding. */
  d.addEventListener("keydown", (e) => {
    if (!dialog) return;
    if (e.key === "Escape") { e.preventDefault(); return closeDialog(); }
    if (e.key !== "Tab") return;
    const f = dialog.querySelectorAll("button,input:not([disabled]),summary,a[href]"), first = f[0], last = f[f.length - 1];
    if (e.shiftKey && (d.activeElement === first || d.activeElement === dialog)) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && d.activeElement === last) { e.preventDefault(); first.focus(); }
  });

  const api = {
    get() {
      const s = current();
      return s ? { choices: s.choices, services: s.services || {}, method: s.method, policy_version: s.policy_version,
        decided_at: s.decided_at, consent_id: s.consent_id || null, token: s.token || null } : null;
    },
    open: () => show("dialog"),
    on(event, fn) { if (event === "change") listeners.push(fn); },
    withdraw,
    forget() {
      try { localStorage.removeItem(KEY); } catch (e) { /* nothing stored */ }
      state = null;
      apply(null);
      show("banner");
    },
  };
  w.consent = api;

  /* The style sheet loads as media="print", so it never blocks rendering; the banner waits for
     it, so it never shows unstyled or in the page's flow (no layout shift). */
  function styled(fn) {
    const link = d.getElementById("consent-style");
    if (link) link.media = "all";
    if (!link || link.sheet) return fn();
    link.addEventListener("load", fn);
    link.addEventListener("error", fn);
  }
  function start() {
    if (current()) { apply(null); send(); }
    w.document$?.subscribe(activate);
    styled(() => {
      opener = el("button", { type: "button", class: "consent-ui consent-opener", "data-consent-open": "" }, t.settings_link, d.body);
      if (!current() && !banner && !dialog) show("banner");
    });
  }
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", start); else start();
})();
