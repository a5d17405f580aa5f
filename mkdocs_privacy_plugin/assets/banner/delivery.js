/* Reporting to the consent server never blocks the visitor: a failure is retried on the next
   page. */
function deliverPending() {
  const decision = currentDecision();
  if (!config.endpoint || !decision || !decision.pending) return;
  const headers = { "Content-Type": "application/json", "Idempotency-Key": decision.request_id };
  if (decision.token) headers["X-Consent-Token"] = decision.token;
  const withdrawal = decision.pending === "withdraw";
  const body = withdrawal ? undefined : JSON.stringify({
    choices: decision.choices,
    services: decision.services,
    policy_version: config.policyVersion,
    language: config.lang,
    page_url: location.href,
    method: decision.method,
  });
  const method = withdrawal ? "DELETE" : "POST";
  fetch(config.endpoint + "/consent", { method, credentials: "include", headers, body })
    .then((response) => {
      if (response.status === 404 && withdrawal) return {};
      if (!response.ok) throw new Error("consent server answered " + response.status);
      return response.json();
    })
    .then((answer) => {
      const latest = readStoredDecision() || decision;
      if (latest.request_id !== decision.request_id) return;
      if (answer.token) {
        latest.token = answer.token;
        latest.consent_id = answer.consent_id;
      }
      delete latest.pending;
      storeDecision(latest);
    })
    .catch((error) => {
      console.warn(
        "consent: the choice is kept in this browser and will be sent later:", error.message
      );
    });
}
