/* What the page sees: one click handler for every consent control, and `window.consent`. */
const ACTIONS = {
  "accept-all": acceptAll,
  "reject-all": rejectAll,
  customize: showDialog,
  save: saveDialog,
  withdraw,
  close: closeDialog,
  "load-service": (embed) => embedChoice(embed, true),
  "allow-category": (embed) => embedChoice(embed, false),
};

document.addEventListener("click", (event) => {
  const target = event.target.closest?.("[data-consent-action],[data-consent-open]");
  if (!target) return;
  if (target.hasAttribute("data-consent-open")) {
    event.preventDefault(); // a reopen link may also be a real link to the cookie policy
    showDialog();
    return;
  }
  ACTIONS[target.dataset.consentAction]?.(target.closest("[data-consent-embed]"));
});
document.addEventListener("keydown", trapFocus);

const consentApi = {
  /* The current decision as the site may read it; null before a choice or once it lapsed. */
  get() {
    const decision = currentDecision();
    return decision && {
      ...pick(decision, ["choices", "method", "policy_version", "decided_at"]),
      services: decision.services || {},
      consent_id: decision.consent_id || null,
      token: decision.token || null,
      pending: !!(decision.pending || decision.undelivered), // not yet in the server's log
    };
  },
  open: showDialog,
  on(event, listener) {
    if (event === "change") changeListeners.push(listener);
  },
  withdraw,
  /* After erasure nothing of the old decision stays in this browser, and the visitor is asked
     again. */
  forget() {
    try {
      localStorage.removeItem(STORAGE_KEY);
    } catch (error) {
      // nothing was stored
    }
    storedDecision = null;
    applyDecision(null);
    showBanner();
  },
};
window.consent = consentApi;

/* The style sheet loads as media="print", so it never blocks rendering; the banner waits for
   it, so it never shows unstyled or in the page's flow (no layout shift). */
function whenStyled(callback) {
  const link = document.getElementById("consent-style");
  if (link) link.media = "all";
  if (!link || link.sheet) {
    callback();
    return;
  }
  link.addEventListener("load", callback);
  link.addEventListener("error", callback);
}

function start() {
  if (currentDecision()) applyDecision(null);
  deliverPending(); // what an earlier page could not send, even if it has lapsed since
  window.document$?.subscribe(runAllowedContent); // Material's instant navigation swaps pages
  whenStyled(() => {
    opener = element("button", {
      type: "button",
      class: "consent-ui consent-opener",
      "data-consent-open": "",
    }, document.body, texts.settings_link);
    if (!currentDecision() && !banner && !dialog) showBanner();
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
