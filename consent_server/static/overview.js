// The figures around the chart: the headline numbers, the legend, the chart's numbers as a table,
// and acceptance per category and policy version. Categories that are always granted are left out:
// "necessary 100%" says nothing about how consent is going.
import { METHOD_LABELS, bucketLabel, formatCount, formatDay, formatShare } from "./format.js";
import { METHODS } from "./timeline.js";

const DECISIONS = ["accept_all", "reject_all", "custom"];

function element(name, properties, ...children) {
  const node = document.createElement(name);
  Object.assign(node, properties);
  node.append(...children);
  return node;
}

function share(part, whole) {
  return whole ? part / whole : null;
}

function methodTotals(stats) {
  const totals = Object.fromEntries(METHODS.map((method) => [method, 0]));
  for (const version of stats.policy_versions) {
    for (const method of METHODS) totals[method] += version[method] || 0;
  }
  return totals;
}

/** The headline numbers: decisions, how they split, and how many browsers sent GPC. */
export function renderKpis(container, stats) {
  const totals = methodTotals(stats);
  const decisions = DECISIONS.reduce((sum, method) => sum + totals[method], 0);
  const card = (label, value, detail, method) => {
    const box = element("div", { className: "kpi" },
      element("p", { className: "kpi-label", textContent: label }),
      element("p", { className: "kpi-value", textContent: value }),
      element("p", { className: "kpi-detail", textContent: detail }));
    if (method) box.dataset.method = method;
    return box;
  };
  const withdrawals = totals.withdraw ? `${formatCount(totals.withdraw)} withdrawn` : "none withdrawn";
  container.replaceChildren(
    card("Decisions", formatCount(decisions), withdrawals),
    ...DECISIONS.map((method) => card(METHOD_LABELS[method],
      formatShare(share(totals[method], decisions)), `${formatCount(totals[method])} decisions`, method)),
    card("Sent GPC", formatShare(stats.gpc.share), `${formatCount(stats.gpc.decisions)} records`),
  );
}

export function renderLegend(list, line) {
  const shown = METHODS.filter((method) => DECISIONS.includes(method) || line.counts[method].some(Boolean));
  list.replaceChildren(...shown.map((method) => {
    const item = element("li", { textContent: METHOD_LABELS[method] });
    item.dataset.series = method;
    return item;
  }));
}

/** The chart's numbers, one row per period in which anything happened. */
export function renderChartTable(table, line) {
  const caption = table.caption;
  const head = element("thead", {}, element("tr", {},
    element("th", { scope: "col", textContent: "Period" }),
    ...METHODS.map((method) => element("th", { scope: "col", textContent: METHOD_LABELS[method] })),
    element("th", { scope: "col", textContent: "Total" })));
  const body = element("tbody");
  line.starts.forEach((start, index) => {
    if (!line.totals[index]) return;
    body.append(element("tr", {},
      element("th", { scope: "row", textContent: bucketLabel(start, line.bucket) }),
      ...METHODS.map((method) => element("td", { textContent: formatCount(line.counts[method][index]) })),
      element("td", { textContent: formatCount(line.totals[index]) })));
  });
  table.replaceChildren(caption, head, body);
}

/** "analytics" -> "Analytics", "social_media" -> "Social media". */
export function categoryName(id) {
  return id.charAt(0).toUpperCase() + id.slice(1).replace(/[_-]/g, " ");
}

function meterCell(label, rate, detail) {
  const bar = element("span", { className: "meter-bar" });
  bar.style.setProperty("--share", String(rate ?? 0));
  const td = element("td", {}, element("span", { className: "meter-cell", title: detail },
    element("span", { className: "meter-value", textContent: formatShare(rate) }),
    element("span", { className: "meter" }, bar)));
  td.dataset.label = label;
  return td;
}

/** Rows: all versions, then each policy version, newest first; columns: how visitors chose. */
export function renderVersions(table, stats, policies) {
  const required = new Set(stats.required || ["necessary"]);
  const categories = stats.categories.map((entry) => entry.category).filter((id) => !required.has(id));
  const firstSeen = new Map(policies.map((policy) => [policy.policy_version, policy.first_seen]));
  const columns = ["Policy version", "Decisions", ...DECISIONS.map((m) => METHOD_LABELS[m]), ...categories.map(categoryName)];
  const head = element("thead", {}, element("tr", {},
    ...columns.map((name) => element("th", { scope: "col", textContent: name }))));
  const row = (title, note, entry) => {
    const decisions = DECISIONS.reduce((sum, method) => sum + (entry[method] || 0), 0);
    const rates = new Map(entry.categories.map((rate) => [rate.category, rate]));
    const name = element("span", {}, element("span", { className: note === null ? "" : "mono", textContent: title }));
    if (note) name.append(element("span", { className: "muted note", textContent: note }));
    const version = element("th", { scope: "row" }, name);
    version.dataset.label = columns[0];
    const count = element("td", { textContent: formatCount(decisions) });
    count.dataset.label = columns[1];
    return element("tr", {}, version, count,
      ...DECISIONS.map((method, index) => meterCell(columns[2 + index], share(entry[method] || 0, decisions),
        `${formatCount(entry[method] || 0)} of ${formatCount(decisions)}`)),
      ...categories.map((category, index) => {
        const rate = rates.get(category);
        return meterCell(columns[5 + index], rate ? rate.acceptance_rate : null,
          rate ? `${formatCount(rate.granted)} granted, ${formatCount(rate.denied)} denied` : "not asked");
      }));
  };
  const totals = methodTotals(stats);
  const versions = [...stats.policy_versions].sort((a, b) =>
    (firstSeen.get(b.policy_version) || "").localeCompare(firstSeen.get(a.policy_version) || ""));
  const body = element("tbody", {}, row("All versions", null, { ...totals, categories: stats.categories }),
    ...versions.map((entry) => {
      const seen = firstSeen.get(entry.policy_version);
      const note = entry.known && seen ? `since ${formatDay(Date.parse(seen) / 1000)}` : "text not archived";
      return row(entry.policy_version, note, entry);
    }));
  table.replaceChildren(head, body);
  table.hidden = stats.policy_versions.length === 0;
}
