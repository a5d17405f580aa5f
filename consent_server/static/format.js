// How the dashboard writes dates, numbers and the log's keys. The log keeps UTC, so every date
// shown is UTC too, and every date carries its year: proof is read months or years later.

export const HOUR = 3600;
export const DAY = 86400;

export const METHOD_LABELS = {
  accept_all: "Accept all",
  reject_all: "Reject all",
  custom: "Custom",
  withdraw: "Withdrawal",
  erase: "Erasure",
  purge: "Purge",
};

const dayFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC", day: "numeric", month: "short", year: "numeric",
});
const hourFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});
const stampFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC", day: "numeric", month: "short", year: "numeric",
  hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
});
const countFormat = new Intl.NumberFormat("en-GB");

/** "25 Nov 2026" for a time in seconds since the epoch. */
export function formatDay(seconds) {
  return dayFormat.format(new Date(seconds * 1000));
}

/** "14:00" for a time in seconds since the epoch. */
export function formatHour(seconds) {
  return hourFormat.format(new Date(seconds * 1000));
}

/** "25 Nov 2026, 14:03:12" for a record's ISO 8601 timestamp. */
export function formatStamp(iso) {
  return stampFormat.format(new Date(iso));
}

export function formatCount(count) {
  return countFormat.format(count);
}

/** "72.5%", or a dash when there was nothing to divide. */
export function formatShare(rate) {
  if (rate === null || rate === undefined) return "–";
  return `${Math.round(rate * 1000) / 10}%`;
}

/** Seconds since the epoch of a statistics bucket: "2026-11-25" (day, week) or "2026-11-25T14" (hour). */
export function bucketStart(bucket) {
  const iso = bucket.length === 10 ? `${bucket}T00:00:00Z` : `${bucket}:00:00Z`;
  return Date.parse(iso) / 1000;
}

/** The label of one bucket, as a tooltip or the data table shows it. */
export function bucketLabel(seconds, bucket) {
  if (bucket === "hour") return `${formatDay(seconds)}, ${formatHour(seconds)}–${formatHour(seconds + HOUR)}`;
  if (bucket === "week") return `Week of ${formatDay(seconds)}`;
  return formatDay(seconds);
}

/** "2026-11-25" of a Date, in UTC, as date inputs and the API take it. */
export function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

export function addDays(day, days) {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return isoDay(date);
}

export function plural(count, one, many) {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}
