// Turns the statistics' buckets into an even time line: every bucket of the range is present (zero
// when nobody decided), so bars keep their width and gaps read as gaps; long ranges fold days
// into weeks, so a year is 53 readable bars instead of 365 slivers.
import { DAY, HOUR, bucketStart } from "./format.js";

export const METHODS = ["accept_all", "reject_all", "custom", "withdraw", "erase"];
export const WEEKS_AFTER_DAYS = 92;
const MAX_BUCKETS = 5000;
const MONDAY_ORIGIN = 4 * DAY; // 5 January 1970 was a Monday

export function bucketSeconds(bucket) {
  return { hour: HOUR, day: DAY, week: 7 * DAY }[bucket];
}

function weekStart(seconds) {
  return MONDAY_ORIGIN + Math.floor((seconds - MONDAY_ORIGIN) / (7 * DAY)) * 7 * DAY;
}

function floorTo(seconds, bucket) {
  if (bucket === "week") return weekStart(seconds);
  const step = bucketSeconds(bucket);
  return Math.floor(seconds / step) * step;
}

function emptyCounts() {
  return Object.fromEntries(METHODS.map((method) => [method, 0]));
}

/** Counts per bucket start, days folded into weeks when `bucket` is "week". */
function countsByStart(rows, bucket) {
  const counts = new Map();
  for (const row of rows) {
    const start = floorTo(bucketStart(row.bucket), bucket);
    const entry = counts.get(start) || emptyCounts();
    for (const method of METHODS) entry[method] += row[method] || 0;
    counts.set(start, entry);
  }
  return counts;
}

/**
 * The time line of `rows` (the day or hour buckets of /stats.json) over `range`
 * ({from, to} in seconds, `to` exclusive, either may be null: then the data's own ends).
 * Returns {bucket, starts, counts: {method: [...]}, totals}.
 */
export function timeline(rows, sourceBucket, range) {
  const starts = rows.map((row) => bucketStart(row.bucket));
  const from = range.from ?? (starts.length ? Math.min(...starts) : null);
  const dataEnd = starts.length ? Math.max(...starts) + bucketSeconds(sourceBucket) : null;
  const to = range.to ?? dataEnd ?? (from === null ? null : from + bucketSeconds(sourceBucket));
  let bucket = sourceBucket;
  if (bucket === "day" && from !== null && (to - from) / DAY > WEEKS_AFTER_DAYS) bucket = "week";
  const counts = countsByStart(rows, bucket);
  const line = { bucket, starts: [], counts: Object.fromEntries(METHODS.map((m) => [m, []])), totals: [] };
  if (from === null) return line;
  const step = bucketSeconds(bucket);
  let keys = [];
  if ((to - from) / step <= MAX_BUCKETS) {
    for (let start = floorTo(from, bucket); start < to; start += step) keys.push(start);
  } else {
    keys = [...counts.keys()].sort((a, b) => a - b);
  }
  for (const start of keys) {
    const entry = counts.get(start) || emptyCounts();
    line.starts.push(start);
    for (const method of METHODS) line.counts[method].push(entry[method]);
    line.totals.push(METHODS.reduce((sum, method) => sum + entry[method], 0));
  }
  return line;
}
