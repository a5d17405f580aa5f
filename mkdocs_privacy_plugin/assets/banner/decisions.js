/* Making a decision: what each button means, and what follows at once on this page. */

function decide(method, choices, services) {
  const previous = currentDecision();
  storeDecision({
    choices,
    services: services || {},
    policy_version: config.policyVersion,
    decided_at: new Date().toISOString(),
    method,
    ...carriedOver(storedDecision, method),
  });
  closeLayers();
  applyDecision(previous);
  deliverPending();
}

function applyDecision(previous) {
  clearRefusedCookies();
  runAllowedContent();
  updateConsentMode();
  for (const listener of changeListeners) {
    try {
      listener(consentApi.get(), previous);
    } catch (error) {
      console.error(error); // one broken listener must not keep the others from hearing
    }
  }
  const decision = currentDecision();
  if (decision) {
    const granted = Object.keys(decision.choices).filter((id) => decision.choices[id]);
    document.documentElement.setAttribute("data-consent", granted.join(" "));
  }
}

/* Under Global Privacy Control, categories flagged `gpc` (marketing) stay off unless the
   visitor switches them on one by one. */
function choicesForAll(allowed) {
  const choices = {};
  for (const category of optionalCategories) {
    choices[category.id] = allowed && !(honoursGpc && category.gpc);
  }
  return choices;
}

function acceptAll() {
  const choices = choicesForAll(true);
  const everything = optionalCategories.every((category) => choices[category.id]);
  decide(everything ? "accept_all" : "custom", choices);
}

const rejectAll = () => decide("reject_all", choicesForAll(false));
const withdraw = () => decide("withdraw", choicesForAll(false), {});

/* "Load this content" (one service) and "Always allow" (its category) on an embed placeholder. */
function embedChoice(embed, serviceOnly) {
  if (!embed) return;
  const decision = currentDecision();
  const choices = { ...choicesForAll(false), ...decision?.choices };
  const services = { ...decision?.services };
  if (serviceOnly) services[embed.dataset.consentService] = true;
  else choices[embed.dataset.consentCategory] = true;
  decide("custom", choices, services);
}
