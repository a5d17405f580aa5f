// The records table: one page at a time, newest first, searchable by consent id. On a phone the
// rows become cards (CSS, from each cell's data-label). Everything from the log is set as text:
// user agents and page URLs come from visitors.
import { METHOD_LABELS, formatCount, formatStamp } from "./format.js";

export const PAGE_SIZE = 25;
const LONG_TEXT = 40;
const COLUMNS = ["Seq", "Time (UTC)", "Consent id", "Method", "Granted", "Policy", "GPC", "Page", "User agent"];

function cell(label, ...content) {
  const td = document.createElement("td");
  td.dataset.label = label;
  td.append(...content);
  return td;
}

function text(value, className) {
  const span = document.createElement("span");
  if (className) span.className = className;
  span.textContent = value;
  return span;
}

/** Long visitor text, cut to one line, with a button that shows all of it. */
function clipped(value, emptyText) {
  if (!value) return text(emptyText, "muted");
  const box = document.createElement("div");
  box.className = "clip";
  box.append(text(value, "clip-text"));
  if (value.length > LONG_TEXT) {
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "clip-toggle";
    toggle.setAttribute("aria-expanded", "false");
    toggle.textContent = "More";
    toggle.addEventListener("click", () => {
      const open = box.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "Less" : "More";
    });
    box.append(toggle);
  }
  return box;
}

/** A page address without its scheme: the host and path are what tell pages apart. */
function shortUrl(url) {
  return url.replace(/^https?:\/\//, "");
}

function recordRow(record, onConsentId, alwaysGranted) {
  const row = document.createElement("tr");
  const when = document.createElement("time");
  when.dateTime = record.created_at;
  when.textContent = formatStamp(record.created_at);
  const visitor = document.createElement("button");
  visitor.type = "button";
  visitor.className = "link mono consent-id";
  visitor.title = `Show only ${record.consent_id}`;
  visitor.textContent = record.consent_id;
  visitor.addEventListener("click", () => onConsentId(record.consent_id));
  const method = text(METHOD_LABELS[record.method] || record.method, "method");
  method.dataset.method = record.method;
  const erased = record.erased ? "erased" : "none";
  const granted = record.granted.filter((category) => !alwaysGranted.has(category));
  const grantedText = text(granted.length ? granted.join(", ") : "none", granted.length ? "" : "muted");
  grantedText.title = record.granted.join(", ");
  row.append(
    cell(COLUMNS[0], text(String(record.seq), "mono")),
    cell(COLUMNS[1], when),
    cell(COLUMNS[2], visitor),
    cell(COLUMNS[3], method),
    cell(COLUMNS[4], grantedText),
    cell(COLUMNS[5], text(record.policy_version, "mono")),
    cell(COLUMNS[6], text(record.gpc ? "Yes" : "No")),
    cell(COLUMNS[7], clipped(shortUrl(record.page_url), erased)),
    cell(COLUMNS[8], clipped(record.user_agent, erased)),
  );
  return row;
}

/** Pages through /records.json with the `before` cursor it answers with, newest page first. */
export class RecordPages {
  constructor({ table, pager, status, getJSON, onConsentId }) {
    Object.assign(this, { table, status, getJSON, onConsentId });
    this.newerButton = pager.querySelector("[data-page=newer]");
    this.olderButton = pager.querySelector("[data-page=older]");
    this.newerButton.addEventListener("click", () => this.turn(-1));
    this.olderButton.addEventListener("click", () => this.turn(1));
    this.params = new URLSearchParams();
    this.cursors = [null];
    this.page = 0;
    this.alwaysGranted = new Set();
  }

  /** Categories every record grants (the required ones): left out of "Granted" to keep it readable. */
  setAlwaysGranted(categories) {
    this.alwaysGranted = new Set(categories);
  }

  show(params) {
    this.params = params;
    this.cursors = [null];
    this.page = 0;
    return this.load();
  }

  turn(pages) {
    this.page = Math.max(0, this.page + pages);
    return this.load();
  }

  async load() {
    const query = new URLSearchParams(this.params);
    query.set("limit", String(PAGE_SIZE));
    if (this.cursors[this.page] !== null) query.set("before", String(this.cursors[this.page]));
    const body = await this.getJSON("records.json", query);
    this.cursors[this.page + 1] = body.next_before ?? null;
    const rows = body.records.map((record) => recordRow(record, this.onConsentId, this.alwaysGranted));
    if (!rows.length) {
      const empty = document.createElement("td");
      empty.colSpan = COLUMNS.length;
      empty.className = "empty";
      empty.textContent = "No records match.";
      rows.push(document.createElement("tr"));
      rows[0].append(empty);
    }
    this.table.tBodies[0].replaceChildren(...rows);
    const first = this.page * PAGE_SIZE + 1;
    const total = body.total ?? body.records.length;
    this.status.textContent = body.records.length
      ? `${formatCount(first)}–${formatCount(first + body.records.length - 1)} of ${formatCount(total)}`
      : "";
    this.newerButton.disabled = this.page === 0;
    this.olderButton.disabled = this.cursors[this.page + 1] === null;
  }
}
