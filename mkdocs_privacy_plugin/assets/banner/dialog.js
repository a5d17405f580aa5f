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
  }, null, document.body);
  const box = element("div", { class: "consent-box" }, null, dialog);
  const close = { type: "button", class: "consent-close", "data-consent-action": "close" };
  element("button", { ...close, "aria-label": texts.close }, "\u00d7", box);
  element("h2", { id: "consent-dialog-title", class: "consent-title" }, texts.dialog_title, box);
  element("p", {}, texts.dialog_text, box);
  if (honoursGpc) element("p", { class: "consent-gpc" }, texts.gpc_honoured, box);
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
  const fieldset = element("fieldset", { class: "consent-category" }, null, parent);
  const label = element("label", { for: id, class: "consent-switch" }, null, fieldset);
  const attributes = { type: "checkbox", id, "data-consent-category": category.id, role: "switch" };
  const input = element("input", attributes, null, label);
  input.checked = category.required || Boolean(decision?.choices[category.id]);
  element("span", { class: "consent-label" }, category.title, label);
  if (category.required) {
    input.disabled = true;
    input.setAttribute("aria-describedby", id + "-on");
    element("span", { id: id + "-on", class: "consent-note" }, texts.always_on, label);
  }
  if (category.description) {
    element("p", { class: "consent-desc" }, category.description, fieldset);
  }
  const services = config.services.filter((service) => service.category === category.id);
  if (services.length) serviceList(services, category, decision, fieldset);
}

function serviceList(services, category, decision, parent) {
  const details = element("details", { class: "consent-services" }, null, parent);
  element("summary", {}, `${texts.services_label} (${services.length})`, details);
  for (const service of services) {
    const item = element("div", { class: "consent-service" }, null, details);
    const name = service.name + (service.provider ? ` (${service.provider})` : "");
    if (category.required) {
      element("strong", {}, name, item);
    } else {
      const label = element("label", {}, null, item);
      const attributes = { type: "checkbox", "data-consent-service": service.id };
      const input = element("input", attributes, null, label);
      input.checked = Boolean(decision?.choices[category.id] || decision?.services?.[service.id]);
      label.append(" " + name);
    }
    if (service.purpose) element("p", {}, service.purpose, item);
    if (service.cookies.length) cookieTable(service.cookies, item);
  }
}

function cookieTable(cookies, parent) {
  const table = element("table", {}, null, parent);
  const head = element("tr", {}, null, table);
  for (const heading of [texts.cookie_name, texts.cookie_purpose, texts.cookie_duration]) {
    element("th", { scope: "col" }, heading, head);
  }
  for (const cookie of cookies) {
    const row = element("tr", {}, null, table);
    for (const value of [cookie.name, cookie.purpose, cookie.duration]) {
      element("td", {}, value, row);
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
