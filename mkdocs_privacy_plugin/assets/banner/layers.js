/* The two layers, built on demand: the banner (first layer) and the dialog (second layer). */
let banner = null;
let dialog = null;
let opener = null; // the "Cookie settings" button, hidden while a layer is open
let focusBeforeLayer = null;

/* A new element with these attributes, appended to the parent and holding the text if given. */
function element(tag, attributes, parent, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text != null) node.textContent = text;
  parent?.append(node);
  return node;
}

/* One row of equally prominent buttons; each is labelled by the text named after its action. */
function actionButtons(parent, actions) {
  const row = element("div", { class: "consent-actions" }, parent);
  for (const action of actions) {
    const attributes = { type: "button", class: "consent-btn", "data-consent-action": action };
    element("button", attributes, row, texts[action.replace("-", "_")]);
  }
}

const withdrawIfGranted = () => (hasGrantedAnything() ? ["withdraw"] : []);

function buildBanner() {
  banner = element("section", {
    class: "consent-ui consent-banner",
    "data-consent-banner": "",
    role: "region",
    "aria-label": texts.banner_title,
    "aria-describedby": "consent-banner-text",
  });
  element("h2", { class: "consent-title" }, banner, texts.banner_title);
  const text = element("p", { id: "consent-banner-text" }, banner, texts.banner_text + " ");
  ["policy", "privacy"].filter((page) => config.links[page]).forEach((page, index) => {
    if (index) text.append(" \u00b7 ");
    const link = { href: config.links[page], "data-consent-link": page };
    element("a", link, text, texts[page + "_link"]);
  });
  if (honoursGpc) {
    element("p", { class: "consent-gpc", "data-consent-gpc": "" }, banner, texts.gpc_honoured);
  }
  actionButtons(banner, ["accept-all", "reject-all", "customize", ...withdrawIfGranted()]);
  document.body.prepend(banner); // first in the page, so the keyboard reaches it first
}

/* One layer at a time; closing it gives the focus back to where it was before. */
function show(buildLayer) {
  closeLayers(true);
  focusBeforeLayer = document.activeElement;
  buildLayer();
  toggleOpener();
}

const showBanner = () => show(buildBanner);

function showDialog() {
  show(buildDialog);
  (dialog.querySelector("input:not([disabled]),button") || dialog).focus();
}

function closeLayers(keepFocus) {
  banner?.remove();
  dialog?.remove();
  banner = dialog = null;
  toggleOpener();
  if (!keepFocus) focusBeforeLayer?.focus?.();
}

/* Closing the dialog without deciding brings the banner back to a visitor yet to decide. */
function closeDialog() {
  closeLayers();
  if (!currentDecision()) showBanner();
}

function toggleOpener() {
  if (opener) opener.hidden = !!(banner || dialog);
}
