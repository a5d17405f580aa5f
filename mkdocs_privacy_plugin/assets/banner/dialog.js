/* The second layer: one switch per category (required ones locked on), its services and their
   cookies, and the same choices as the banner. */
function buildDialog() {
  const decision = currentDecision();
  dialog = element("div", {
    class: "consent-ui consent-dialog",
    role: "dialog",
    "aria-modal": "true",
    "aria-labelledby": "consent-dialog-title",
    "data-consent-dialog": "",
    tabindex: "-1",
  }, document.body);
  const box = element("div", { class: "consent-box" }, dialog);
  const close = { type: "button", class: "consent-close", "data-consent-action": "close" };
  element("button", { ...close, "aria-label": texts.close }, box, "\u00d7");
  element("h2", { id: "consent-dialog-title", class: "consent-title" }, box, texts.dialog_title);
  element("p", {}, box, texts.dialog_text);
  if (honoursGpc) element("p", { class: "consent-gpc" }, box, texts.gpc_honoured);
  for (const category of config.categories) categorySwitch(category, decision, box);
  actionButtons(box, ["save", "accept-all", "reject-all", ...withdrawIfGranted()]);
  dialog.addEventListener("change", (event) => followCategory(event.target));
}

/* A category switched on allows all its services, so their boxes show it; switched off, none.
   A service switched on stays that one service (it never grants its category silently); a
   service switched off under an allowed category turns the category off, keeping the others. */
function followCategory(input) {
  const fieldset = input.closest(".consent-category");
  if (input.dataset.consentCategory) {
    for (const service of fieldset.querySelectorAll("input[data-consent-service]")) {
      service.checked = input.checked;
    }
  } else if (input.dataset.consentService && !input.checked) {
    const category = fieldset.querySelector("input[data-consent-category]");
    if (!category.disabled) category.checked = false;
  }
}

function categorySwitch(category, decision, parent) {
  const id = "consent-cat-" + category.id;
  const fieldset = element("fieldset", { class: "consent-category" }, parent);
  const label = element("label", { class: "consent-switch" }, fieldset);
  const attributes = { type: "checkbox", id, "data-consent-category": category.id, role: "switch" };
  const input = element("input", attributes, label);
  input.checked = category.required || !!decision?.choices[category.id];
  element("span", { class: "consent-label" }, label, category.title);
  if (category.required) {
    input.disabled = true;
    input.setAttribute("aria-describedby", id + "-on");
    element("span", { id: id + "-on", class: "consent-note" }, label, texts.always_on);
  }
  if (category.description) {
    element("p", { class: "consent-desc" }, fieldset, category.description);
  }
  const services = config.services.filter((service) => service.category === category.id);
  if (services.length) serviceList(services, category, decision, fieldset);
}

function serviceList(services, category, decision, parent) {
  const details = element("details", { class: "consent-services" }, parent);
  element("summary", {}, details, `${texts.services_label} (${services.length})`);
  for (const service of services) {
    const item = element("div", { class: "consent-service" }, details);
    const name = service.name + (service.provider ? ` (${service.provider})` : "");
    if (category.required) {
      element("strong", {}, item, name);
    } else {
      const label = element("label", {}, item);
      const attributes = { type: "checkbox", "data-consent-service": service.id };
      const input = element("input", attributes, label);
      input.checked = !!(decision?.choices[category.id] || decision?.services?.[service.id]);
      label.append(" " + name);
    }
    if (service.purpose) element("p", {}, item, service.purpose);
    if (service.cookies.length) cookieTable(service.cookies, item);
  }
}

function cookieTable(cookies, parent) {
  const table = element("table", {}, parent);
  const head = element("tr", {}, table);
  for (const heading of [texts.cookie_name, texts.cookie_purpose, texts.cookie_duration]) {
    element("th", { scope: "col" }, head, heading);
  }
  for (const cookie of cookies) {
    const row = element("tr", {}, table);
    for (const value of [cookie.name, cookie.purpose, cookie.duration]) {
      element("td", {}, row, value);
    }
  }
}

function saveDialog() {
  const choices = {};
  const services = {};
  dialog.querySelectorAll("input[data-consent-category]:not([disabled])").forEach((input) => {
    choices[input.dataset.consentCategory] = input.checked;
  });
  dialog.querySelectorAll("input[data-consent-service]").forEach((input) => {
    services[input.dataset.consentService] = input.checked;
  });
  decide("custom", choices, services);
}

/* The dialog keeps the focus inside (Tab wraps) and Escape closes it without deciding. */
function trapFocus(event) {
  if (!dialog) return;
  if (event.key === "Escape") {
    event.preventDefault();
    closeDialog();
    return;
  }
  if (event.key !== "Tab") return;
  const focusable = dialog.querySelectorAll("button,input:not([disabled]),summary,a[href]");
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  const active = document.activeElement;
  if (event.shiftKey && (active === first || active === dialog)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    first.focus();
  }
}
