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

/* What the server is sent for a decision, and what a pending decision keeps for later. */
const BODY_FIELDS = ["choices", "services", "policy_version", "language", "page_url", "method"];
const OUTGOING_FIELDS = ["pending", "request_id", "decided_at", ...BODY_FIELDS];
const pick = (object, fields) => Object.fromEntries(fields.map((field) => [field, object[field]]));
const outgoing = (decision) => pick(decision, OUTGOING_FIELDS);

/* What other tabs stored counts: they share the pending decisions and the token. */
const latestStored = () => readStoredDecision() ?? storedDecision;

async function deliverPending() {
  if (!config.endpoint || delivering) return;
  delivering = true;
  try {
    let decision;
    while ((decision = nextToDeliver()) && (await deliver(decision)));
  } finally {
    delivering = false;
  }
}

/* The oldest pending decision still worth sending; those past GIVE_UP_DAYS are given up. */
function nextToDeliver() {
  for (const decision of pendingDecisions(latestStored())) {
    if (ageOf(decision) <= GIVE_UP_DAYS * DAY_MS) return decision;
    giveUp(decision, `unsent for ${GIVE_UP_DAYS} days`);
  }
  return null;
}

/* Sends one decision and settles it or gives it up; false when the server cannot take it now,
   so it and the ones after it wait for the next page or for the browser to be online again. */
async function deliver(decision) {
  const withdrawal = decision.pending === "withdraw";
  const headers = { "Content-Type": "application/json", "Idempotency-Key": decision.request_id };
  const token = latestStored()?.token;
  if (token) headers["X-Consent-Token"] = token; // cross-site, the server's cookie is dropped
  const body = withdrawal ? undefined : JSON.stringify(pick(decision, BODY_FIELDS));
  const request = { method: withdrawal ? "DELETE" : "POST", credentials: "include", headers, body };
  let response;
  try {
    response = await fetch(config.endpoint + "/consent", request);
  } catch (error) {
    return postpone(error.message);
  }
  const { status } = response;
  const reason = "answered " + status;
  if (status === 404 && withdrawal) settle(decision, {}); // nothing left to withdraw
  else if (response.ok) settle(decision, await response.json().catch(() => ({})));
  else if (status >= 500 || RETRY_LATER.has(status)) return postpone(reason);
  else giveUp(decision, reason);
  return true;
}

function postpone(reason) {
  console.warn("consent: the choice will be sent later:", reason);
  return false;
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
    `consent: the ${decision.method} decision of ${decision.decided_at} will not be sent to`
      + ` ${config.endpoint} (${reason}); it still applies in this browser. Is the server`
      + ` reachable, and does its CONSENT_ALLOWED_ORIGINS include ${location.origin}?`
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
