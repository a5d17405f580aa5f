// The dashboard: reads the filter, fetches the statistics and a page of records, draws them, and
// keeps the export links on the same filter. The filter lives in the address, so a reload or a
// shared link shows the same view.
import { decisionsChart } from "./charts.js";
import { DAY, addDays, bucketStart, formatCount, formatDay, isoDay, plural } from "./format.js";
import { renderChartTable, renderKpis, renderLegend, renderVersions } from "./overview.js";
import { RecordPages } from "./records.js";
import { timeline } from "./timeline.js";

const form = document.getElementById("filters");
const search = document.getElementById("record-search");
const summary = document.getElementById("summary");
const chartBox = document.getElementById("chart-decisions");
const phone = matchMedia("(max-width: 640px)");
const dark = matchMedia("(prefers-color-scheme: dark)");
let chart = null;
let drawnLine = null;
let policies = [];

async function getJSON(path, params) {
  const response = await fetch(`${path}?${params || ""}`, { credentials: "same-origin" });
  if (response.status === 401) {
    window.location.assign("sign-in");
    throw new Error("signed out");
  }
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || response.statusText);
  return body;
}

const records = new RecordPages({
  table: document.getElementById("records"),
  pager: document.querySelector(".pager"),
  status: document.getElementById("page-status"),
  getJSON,
  onConsentId: (consentId) => {
    search.elements.consent_id.value = consentId;
    refreshRecords();
  },
});

/** since/until/policy_version of the form; "To" is inclusive on screen, `until` exclusive in the API. */
function filterParams() {
  const params = new URLSearchParams();
  const { from, to, policy_version: version } = form.elements;
  if (from.value) params.set("since", from.value);
  if (to.value) params.set("until", addDays(to.value, 1));
  if (version.value) params.set("policy_version", version.value);
  return params;
}

function recordParams() {
  const params = filterParams();
  const consentId = search.elements.consent_id.value.trim();
  if (consentId) params.set("consent_id", consentId);
  return params;
}

function markPeriod() {
  const { from, to } = form.elements;
  const today = isoDay(new Date());
  for (const button of form.querySelectorAll("[data-period]")) {
    const days = button.dataset.period;
    const matches = days === "all"
      ? !from.value && !to.value
      : to.value === today && from.value === addDays(today, 1 - Number(days));
    button.setAttribute("aria-pressed", String(matches));
  }
}

function setPeriod(days) {
  const today = isoDay(new Date());
  form.elements.to.value = days === "all" ? "" : today;
  form.elements.from.value = days === "all" ? "" : addDays(today, 1 - Number(days));
}

/** Keeps the address and the export links on the current filter. */
function syncLinks() {
  const params = recordParams();
  for (const id of ["download-csv", "download-jsonl"]) document.getElementById(id).search = params.toString();
  const address = new URLSearchParams();
  for (const name of ["from", "to", "policy_version"]) {
    if (form.elements[name].value) address.set(name, form.elements[name].value);
  }
  if (params.has("consent_id")) address.set("consent_id", params.get("consent_id"));
  history.replaceState(null, "", `${location.pathname}${address.size ? `?${address}` : ""}`);
  markPeriod();
}

function rangeOf(params) {
  const since = params.get("since");
  const until = params.get("until");
  return { from: since ? Date.parse(since) / 1000 : null, to: until ? Date.parse(until) / 1000 : null };
}

/** The time line to draw: hours for one day in range, else days (folded into weeks when long). */
async function fetchTimeline(params) {
  const since = params.get("since");
  const until = params.get("until");
  const hours = (query) => new URLSearchParams([...query, ["bucket", "hour"]]);
  if (since && until && Date.parse(until) - Date.parse(since) <= DAY * 1000) {
    const stats = await getJSON("stats.json", hours(params));
    return [stats, timeline(stats.decisions, "hour", rangeOf(params))];
  }
  const stats = await getJSON("stats.json", new URLSearchParams([...params, ["bucket", "day"]]));
  if (!since && !until && stats.decisions.length === 1) {
    const day = stats.decisions[0].bucket;
    const oneDay = new URLSearchParams([...params, ["since", day], ["until", addDays(day, 1)]]);
    const hourly = await getJSON("stats.json", hours(oneDay));
    return [stats, timeline(hourly.decisions, "hour", rangeOf(oneDay))];
  }
  return [stats, timeline(stats.decisions, "day", rangeOf(params))];
}

function drawChart(line) {
  drawnLine = line;
  if (chart) chart.destroy();
  chart = null;
  const total = line.totals.reduce((sum, count) => sum + count, 0);
  document.getElementById("bucket-name").textContent = line.bucket;
  if (!total) {
    const note = document.createElement("p");
    note.className = "empty";
    note.textContent = "No decisions in this period yet. They appear here as visitors choose in the banner.";
    chartBox.replaceChildren(note);
    chartBox.setAttribute("aria-label", "No decisions in this period");
    document.getElementById("decisions-range").textContent = "";
    return;
  }
  chartBox.replaceChildren();
  chart = decisionsChart(chartBox, line, phone.matches ? 220 : 280);
  const first = formatDay(line.starts[0]);
  const last = formatDay(line.starts[line.starts.length - 1]);
  const span = first === last ? first : `${first} to ${last}`;
  document.getElementById("decisions-range").textContent = `${span}, UTC`;
  chartBox.setAttribute("aria-label", `${plural(total, "decision", "decisions")} per ${line.bucket}, ${span}; the numbers are in the table below`);
}

function describe(stats, params) {
  const since = params.get("since");
  const until = params.get("until");
  const range = since && until
    ? `from ${formatDay(Date.parse(since) / 1000)} to ${formatDay(Date.parse(until) / 1000 - DAY)}`
    : "since the log began";
  return `${plural(stats.total, "record", "records")} ${range}.`;
}

async function refreshRecords() {
  syncLinks();
  try {
    await records.show(recordParams());
  } catch (error) {
    document.getElementById("page-status").textContent = `Could not load the records: ${error.message}`;
  }
}

async function refresh() {
  syncLinks();
  const params = filterParams();
  try {
    const [stats, line] = await fetchTimeline(params);
    records.setAlwaysGranted(stats.required || ["necessary"]);
    await records.show(recordParams());
    summary.textContent = describe(stats, params);
    renderKpis(document.getElementById("kpis"), stats);
    drawChart(line);
    renderLegend(document.getElementById("legend-decisions"), line);
    renderChartTable(document.getElementById("decisions-table"), line);
    renderVersions(document.getElementById("versions"), stats, policies);
    document.body.dataset.loaded = "true";
  } catch (error) {
    summary.textContent = `Could not load the statistics: ${error.message}`;
  }
}

async function verifyChain(button) {
  const result = document.getElementById("verify-result");
  button.disabled = true;
  result.textContent = "Checking every record…";
  try {
    const outcome = await getJSON("verify.json");
    result.textContent = outcome.ok
      ? `Intact: ${plural(outcome.checked, "record", "records")} checked.`
      : `Broken: record ${outcome.first_broken} does not match the chain (${formatCount(outcome.checked)} before it verified).`;
    result.dataset.ok = String(outcome.ok);
  } catch (error) {
    result.textContent = `Could not verify: ${error.message}`;
  } finally {
    button.disabled = false;
  }
}

async function start() {
  const address = new URLSearchParams(location.search);
  try {
    ({ policies } = await getJSON("policies.json"));
  } catch {
    policies = [];
  }
  const select = form.elements.policy_version;
  for (const policy of policies) {
    const option = document.createElement("option");
    option.value = policy.policy_version;
    option.textContent = `${policy.policy_version} (since ${formatDay(bucketStart(policy.first_seen.slice(0, 10)))})`;
    select.append(option);
  }
  if ([...address.keys()].some((key) => ["from", "to", "policy_version"].includes(key))) {
    for (const name of ["from", "to", "policy_version"]) form.elements[name].value = address.get(name) || "";
  } else {
    setPeriod("30");
  }
  search.elements.consent_id.value = address.get("consent_id") || "";
  await refresh();
}

form.addEventListener("submit", (event) => { event.preventDefault(); refresh(); });
form.addEventListener("change", (event) => { if (event.target.name) refresh(); });
form.addEventListener("click", (event) => {
  const button = event.target.closest("[data-period]");
  if (!button) return;
  setPeriod(button.dataset.period);
  refresh();
});
search.addEventListener("submit", (event) => { event.preventDefault(); refreshRecords(); });
search.elements.consent_id.addEventListener("search", () => refreshRecords());
document.getElementById("verify-chain").addEventListener("click", (event) => verifyChain(event.currentTarget));
let drawnWidth = 0;
new ResizeObserver(() => {
  // Redrawn, not only resized: narrow charts use smaller type and fewer ticks.
  if (!drawnLine || chartBox.clientWidth === drawnWidth) return;
  drawnWidth = chartBox.clientWidth;
  drawChart(drawnLine);
}).observe(chartBox);
dark.addEventListener("change", () => { if (drawnLine) drawChart(drawnLine); });
start();
