// Dashboard: fetches the statistics and latest records and draws them as SVG.
// Everything from the log is set as text (never as HTML): user agents and URLs come from visitors.
// The consent methods come from the statistics themselves (stats.methods, stats.visitor_methods).
"use strict";
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const form = document.getElementById("filters");

  function el(name, attributes, text) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function query() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) params.set(key, value);
    return params;
  }

  function legend(container, names) {
    const box = document.createElement("div");
    box.className = "legend";
    for (const name of names) {
      const item = document.createElement("span");
      item.style.setProperty("--swatch", `var(--${name.split("_")[0]})`);
      item.textContent = name.replace("_", " ");
      box.append(item);
    }
    container.append(box);
  }

  function empty(container) {
    const note = document.createElement("p");
    note.className = "empty";
    note.textContent = "No records in this range.";
    container.replaceChildren(note);
  }

  function stackedBars(container, rows, label, keys, normalise) {
    if (!rows.length) return empty(container);
    const width = 800, height = 220, left = 40, bottom = 40;
    const totals = rows.map((row) => keys.reduce((sum, key) => sum + (row[key] || 0), 0));
    const max = normalise ? 1 : Math.max(1, ...totals);
    const step = (width - left) / rows.length;
    const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": container.dataset.chart });
    rows.forEach((row, index) => {
      let y = height - bottom;
      for (const key of keys) {
        const value = (row[key] || 0) / (normalise ? totals[index] || 1 : 1);
        const h = (value / max) * (height - bottom - 10);
        if (h > 0) {
          const rect = el("rect", { x: left + index * step + 2, y: y - h, width: Math.max(1, step - 4), height: h,
            fill: `var(--${key.split("_")[0]})`, "data-series": key });
          rect.append(el("title", {}, `${label(row)} ${key}: ${row[key]}`));
          svg.append(rect);
          y -= h;
        }
      }
      svg.append(el("text", { x: left + index * step + step / 2, y: height - bottom + 14, "text-anchor": "middle" }, label(row)));
    });
    svg.append(el("text", { x: 0, y: 12 }, normalise ? "100%" : String(max)));
    container.replaceChildren(svg);
    legend(container, keys);
  }

  function rateBars(container, categories) {
    if (!categories.length) return empty(container);
    const width = 800, row = 26, height = categories.length * row + 10;
    const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "categories" });
    categories.forEach((entry, index) => {
      const rate = entry.acceptance_rate || 0;
      const y = 5 + index * row;
      svg.append(el("text", { x: 0, y: y + 15 }, entry.category));
      const bar = el("rect", { x: 160, y, width: Math.max(1, rate * 560), height: row - 8, fill: "var(--accept)", "data-category": entry.category });
      bar.append(el("title", {}, `${entry.category}: ${entry.granted} granted, ${entry.denied} denied`));
      svg.append(bar);
      svg.append(el("text", { x: 170 + rate * 560, y: y + 15 }, `${Math.round(rate * 1000) / 10}%`));
    });
    container.replaceChildren(svg);
  }

  function recordsTable(records) {
    const body = document.querySelector("#records tbody");
    body.replaceChildren(...records.map((record) => {
      const tr = document.createElement("tr");
      for (const value of [record.seq, record.created_at, record.method, record.granted.join(" "),
        record.policy_version, record.gpc ? "yes" : "no", record.page_url, record.user_agent]) {
        const td = document.createElement("td");
        td.textContent = value;
        tr.append(td);
      }
      return tr;
    }));
  }

  async function getJSON(path, params) {
    const response = await fetch(`${path}?${params || ""}`, { credentials: "same-origin" });
    if (response.status === 401) { window.location.assign("sign-in"); throw new Error("signed out"); }
    const body = await response.json();
    if (!response.ok) throw new Error(body.message || response.statusText);
    return body;
  }

  async function refresh() {
    const params = query();
    const summary = document.getElementById("summary");
    for (const id of ["download-csv", "download-jsonl"]) {
      const link = document.getElementById(id);
      link.search = params.toString();
    }
    try {
      const [stats, latest] = await Promise.all([getJSON("stats.json", params), getJSON("records.json")]);
      document.getElementById("bucket-name").textContent = stats.bucket;
      summary.textContent = `${stats.total} records; GPC on ${Math.round((stats.gpc.share || 0) * 100)}% of them.`;
      stackedBars(document.getElementById("chart-decisions"), stats.decisions, (row) => row.bucket.slice(5), stats.methods, false);
      rateBars(document.getElementById("chart-categories"), stats.categories);
      stackedBars(document.getElementById("chart-versions"), stats.policy_versions,
        (row) => row.policy_version + (row.known ? "" : " (unknown)"), stats.visitor_methods, true);
      recordsTable(latest.records);
      document.body.dataset.loaded = "true";
    } catch (error) {
      summary.textContent = `Could not load the statistics: ${error.message}`;
    }
  }

  async function fillVersions() {
    const select = form.elements.policy_version;
    const { policies } = await getJSON("policies.json");
    for (const policy of policies) {
      const option = document.createElement("option");
      option.value = policy.policy_version;
      option.textContent = `${policy.policy_version} (from ${policy.first_seen.slice(0, 10)})`;
      select.append(option);
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); refresh(); });
  fillVersions().catch(() => {});
  refresh();
})();
