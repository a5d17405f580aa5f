/* Reporting decisions to the consent server, without ever blocking the visitor.

   A decision the server has not acknowledged stays "pending" in the stored decision and is sent
   again, with the same Idempotency-Key, on the next page load and when the browser comes back
   online; the server answers a repeated key with the record it already made, so one decision
   is logged once. Pending decisions are sent one at a time, oldest first, so a withdrawal
   reaches the log after the consent it withdraws. After GIVE_UP_DAYS a decision is no longer
   sent (it still applies in this browser) and the console says so, for the site owner. A
   decision the server refuses (a 4xx other than 408 and 429) is never sent again either.
   Without an endpoint nothing is kept pending at all. */
const GIVE_UP_DAYS = 7;
const MAX_UNDELIVERED = 20;
const RETRY_LATER = new Set([408, 429]);
let delivering = false;

/* What a new decision inherits from the stored one: the identity the server gave, and the
   earlier decisions still to be sent. An earlier decision is dropped in favour of the new one
   only when it allowed nothing and withdrew nothing: nothing ran under it, so the log needs it
   for no proof. A consent or a withdrawal is always sent, in order. */
function carriedOver(previous, method) {
  const identity = { consent_id: previous?.consent_id, token: previous?.token };
  if (!config.endpoint) return identity;
  const earlier = pendingDecisions(previous).filter(
    (decision) =>
      decision.pending === "withdraw" || anyTrue(decision.choices) || anyTrue(decision.services)
  );
  /* A bound on what a browser keeps: past it, the oldest are given up, with a message. */
  earlier.slice(0, -MAX_UNDELIVERED).forEach((decision) => giveUp(decision, "too many pending"));
  const undelivered = earlier.slice(-MAX_UNDELIVERED).map(outgoing);
  return {
    ...identity,
    ...(undelivered.length ? { undelivered } : {}),
    pending: method === "withdraw" ? "withdraw" : "decision",
    request_id: newRequestId(),
    page_url: location.href,
    language: config.lang,
  };
}

/* Each decision carries its own random key, so a resend after a lost answer is logged once. */
function newRequestId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/* The decisions still to be sent, oldest first: the earlier ones, then the stored one. */
function pendingDecisions(stored) {
  if (!stored) return [];
  return [...(stored.undelivered || []), ...(stored.pending ? [stored] : [])];
}

const OUTGOING_FIELDS = ["pending", "request_id", "method", "choices", "services",
  "policy_version", "language", "page_url", "decided_at"];
const outgoing = (decision) =>
  Object.fromEntries(OUTGOING_FIELDS.map((field) => [field, decision[field]]));

/* What other tabs stored counts: they share the pending decisions and the token. */
const latestStored = () => readStoredDecision() ?? storedDecision;

async function deliverPending() {
  if (!config.endpoint || delivering) return;
  delivering = true;
  try {
    let decision;
    while ((decision = nextToDeliver())) {
      const outcome = await send(decision);
      if (outcome.retryLater) {
        console.warn(
          "consent: the choice is kept in this browser and will be sent later:", outcome.reason
        );
        return;
      }
      if (outcome.refused) giveUp(decision, outcome.reason);
      else settle(decision, outcome.answer);
    }
  } finally {
    delivering = false;
  }
}

/* The oldest pending decision still worth sending; those past GIVE_UP_DAYS are given up. */
function nextToDeliver() {
  for (const decision of pendingDecisions(latestStored())) {
    const age = Date.now() - Date.parse(decision.decided_at);
    if (!(age <= GIVE_UP_DAYS * DAY_MS)) {
      giveUp(decision, `it could not be sent for ${GIVE_UP_DAYS} days`);
      continue;
    }
    return decision;
  }
  return null;
}

async function send(decision) {
  const withdrawal = decision.pending === "withdraw";
  const headers = { "Content-Type": "application/json", "Idempotency-Key": decision.request_id };
  const token = latestStored()?.token;
  if (token) headers["X-Consent-Token"] = token; // cross-site, the server's cookie is dropped
  const body = withdrawal ? undefined : JSON.stringify({
    choices: decision.choices,
    services: decision.services,
    policy_version: decision.policy_version,
    language: decision.language,
    page_url: decision.page_url,
    method: decision.method,
  });
  const request = { method: withdrawal ? "DELETE" : "POST", credentials: "include", headers, body };
  let response;
  try {
    response = await fetch(config.endpoint + "/consent", request);
  } catch (error) {
    return { retryLater: true, reason: error.message };
  }
  if (response.status === 404 && withdrawal) return { answer: {} }; // nothing left to withdraw
  if (response.ok) return { answer: await response.json().catch(() => ({})) };
  const reason = "consent server answered " + response.status;
  if (response.status >= 500 || RETRY_LATER.has(response.status)) {
    return { retryLater: true, reason };
  }
  return { refused: true, reason };
}

/* The server has the decision: keep the identity it answered with, stop sending it. */
function settle(decision, answer) {
  const stored = latestStored();
  if (!stored) return; // erased meanwhile: nothing to keep
  if (answer.token) {
    stored.token = answer.token;
    stored.consent_id = answer.consent_id;
  }
  stopSending(stored, decision.request_id);
}

function giveUp(decision, reason) {
  console.error(
    `consent: the decision made at ${decision.decided_at} (${decision.method}) will not be`
      + ` sent to the consent server at ${config.endpoint}: ${reason}. It still applies in this`
      + " browser. Check that the server is reachable from this site and that its"
      + ` CONSENT_ALLOWED_ORIGINS includes ${location.origin}.`
  );
  const stored = latestStored();
  if (stored) stopSending(stored, decision.request_id);
}

function stopSending(stored, requestId) {
  if (stored.request_id === requestId) {
    delete stored.pending;
    delete stored.page_url;
  }
  stored.undelivered = (stored.undelivered || []).filter((item) => item.request_id !== requestId);
  if (!stored.undelivered.length) delete stored.undelivered;
  storeDecision(stored);
}

window.addEventListener("online", deliverPending);
