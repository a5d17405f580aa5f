/* The visitor's decision, kept in localStorage under one key. */
let storedDecision = readStoredDecision();

function readStoredDecision() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY));
  } catch (error) {
    return null; // storage blocked or unreadable: as if nothing had been decided
  }
}

function storeDecision(decision) {
  storedDecision = decision;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(decision));
  } catch (error) {
    // private mode or a full storage: the decision holds for this page only
  }
}

/* In milliseconds; NaN for a date that cannot be read, which no comparison lets through. */
const ageOf = (decision) => Date.now() - Date.parse(decision.decided_at);

/* A decision counts only for the policy it was made on, and only for the configured lifetime. */
function currentDecision() {
  const decision = storedDecision;
  if (!decision || decision.policy_version !== config.policyVersion) return null;
  return ageOf(decision) < config.lifetimeDays * DAY_MS ? decision : null;
}

function isRequired(categoryId) {
  return config.categories.some((category) => category.id === categoryId && category.required);
}

/* A category is allowed as a whole; a service can also be allowed on its own. */
function isAllowed(categoryId, serviceId) {
  if (isRequired(categoryId)) return true;
  const decision = currentDecision();
  return !!(decision && (decision.choices[categoryId] || decision.services?.[serviceId]));
}

const anyTrue = (flags) => Object.values(flags || {}).some(Boolean);

/* "Withdraw consent" is offered only to a visitor who has allowed something. */
function hasGrantedAnything() {
  const decision = currentDecision();
  return !!decision && (anyTrue(decision.choices) || anyTrue(decision.services));
}
