// The decisions chart, drawn by uPlot (vendored in static/vendor/uplot): bars stacked per method on
// a UTC time axis whose ticks never collide and always say the year, a count axis with whole
// numbers, and a tooltip. A canvas tells keyboard and screen-reader users nothing, so the same
// numbers also go into a table (see dashboard.js).
import { DAY, HOUR, METHOD_LABELS, bucketLabel, formatCount, formatDay, formatHour } from "./format.js";
import { METHODS, bucketSeconds } from "./timeline.js";

const LABEL_ROOM = 76; // px one x label needs: "25 Nov 2026" and a gap
const TICK_STEPS = {
  hour: [1, 2, 3, 6, 12].map((hours) => hours * HOUR),
  day: [1, 2, 7, 14].map((days) => days * DAY),
  week: [7, 14].map((days) => days * DAY),
};
const MONTH_STEPS = [1, 2, 3, 6, 12, 24, 60];
const COUNT_STEPS = [...Array(10).keys()].flatMap((power) => [1, 2, 5].map((n) => n * 10 ** power));
const MONDAY_ORIGIN = 4 * DAY;

function monthTicks(min, max, months) {
  const first = new Date(min * 1000);
  let year = first.getUTCFullYear();
  let month = Math.ceil((first.getUTCMonth() + (first.getUTCDate() > 1 ? 1 : 0)) / months) * months;
  const ticks = [];
  for (;;) {
    const tick = Date.UTC(year, month, 1) / 1000;
    if (tick > max) return ticks;
    if (tick >= min) ticks.push(tick);
    month += months;
    if (month >= 12) { year += Math.floor(month / 12); month %= 12; }
  }
}

/** Tick positions (seconds) between min and max that leave every label room in `width` px. */
export function timeTicks(min, max, bucket, width) {
  const room = Math.max(1, Math.floor(width / LABEL_ROOM));
  for (const step of TICK_STEPS[bucket]) {
    if (Math.floor((max - min) / step) + 1 <= room) {
      const origin = step % (7 * DAY) === 0 ? MONDAY_ORIGIN : 0;
      const ticks = [];
      for (let tick = origin + Math.ceil((min - origin) / step) * step; tick <= max; tick += step) ticks.push(tick);
      return ticks;
    }
  }
  const months = MONTH_STEPS.find((step) => Math.floor((max - min) / (step * 30.44 * DAY)) + 1 <= room) || 120;
  return monthTicks(min, max, months);
}

/** A little above the tallest bar, on a round number: 24 -> 30, 3 -> 4, 180 -> 200. */
function roundedTop(max) {
  const goal = Math.max(1, max * 1.05);
  const step = Math.max(1, 10 ** Math.floor(Math.log10(goal)) / 2);
  return Math.ceil(goal / step) * step;
}

function cssColor(element, name) {
  return getComputedStyle(element).getPropertyValue(name).trim();
}

function tooltipFor(element, line) {
  const tip = document.createElement("div");
  tip.className = "chart-tooltip";
  tip.setAttribute("aria-hidden", "true");
  return {
    element: tip,
    show(u) {
      const index = u.cursor.idx;
      if (index === null || index === undefined || u.cursor.left < 0) { tip.hidden = true; return; }
      const heading = document.createElement("strong");
      heading.textContent = bucketLabel(line.starts[index], line.bucket);
      const rows = METHODS.filter((method) => line.counts[method][index] > 0).map((method) => {
        const row = document.createElement("span");
        row.dataset.series = method;
        row.textContent = `${METHOD_LABELS[method]}: ${formatCount(line.counts[method][index])}`;
        return row;
      });
      const total = document.createElement("span");
      total.textContent = `Total: ${formatCount(line.totals[index])}`;
      tip.replaceChildren(heading, ...rows, total);
      tip.hidden = false;
      const x = u.valToPos(line.starts[index], "x");
      const left = Math.min(Math.max(0, x - tip.offsetWidth / 2), u.over.clientWidth - tip.offsetWidth);
      tip.style.left = `${left}px`;
      tip.style.top = "4px";
    },
  };
}

/**
 * Draws `line` (see timeline.js) into `element` as stacked bars; returns the uPlot instance.
 * The x tick labels drawn last are kept in element.dataset.xTicks, for the page's tests.
 */
export function decisionsChart(element, line, height) {
  const width = Math.max(200, element.clientWidth);
  const step = bucketSeconds(line.bucket);
  const stroke = cssColor(element, "--fg");
  const grid = cssColor(element, "--line");
  const compact = width < 480;
  const font = `${compact ? 11 : 12}px ${getComputedStyle(element).fontFamily}`;
  // Stacking: each series is the running total up to its method, drawn largest first.
  const running = METHODS.map((_, index) =>
    line.starts.map((__, at) => METHODS.slice(0, index + 1).reduce((sum, m) => sum + line.counts[m][at], 0)));
  const order = METHODS.map((method, index) => ({ method, values: running[index] })).reverse();
  const tooltip = tooltipFor(element, line);
  const xLabels = (u, splits) => {
    const labels = splits.map((tick) => (line.bucket === "hour" ? formatHour(tick) : formatDay(tick)));
    element.dataset.xTicks = JSON.stringify(labels);
    return labels;
  };
  const options = {
    width, height,
    legend: { show: false },
    select: { show: false },
    cursor: { y: false, points: { show: false }, drag: { x: false, y: false, setScale: false } },
    scales: {
      x: { time: true, range: (u, min, max) => [min - step * 0.75, max + step * 0.75] },
      y: { range: (u, min, max) => [0, roundedTop(max)] },
    },
    axes: [
      {
        stroke, font, labelFont: font, size: 44, labelSize: 20, gap: 6,
        label: line.bucket === "hour" ? `${formatDay(line.starts[0])}, hours in UTC` : "Date (UTC)",
        grid: { show: false },
        ticks: { stroke: grid, size: 6 },
        // uPlot passes the spacing it found for its own ticks: pixels per second = space / incr.
        splits: (u, axis, min, max, incr, space) => timeTicks(min, max, line.bucket, ((max - min) * space) / incr),
        filter: (u, splits) => splits,
        values: xLabels,
      },
      {
        stroke, font, labelFont: font, size: compact ? 36 : 56, gap: 6,
        label: compact ? null : "Decisions", labelSize: compact ? 0 : 20,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid, size: 4 },
        incrs: COUNT_STEPS, space: 32,
        values: (u, splits) => splits.map((tick) => formatCount(tick)),
      },
    ],
    series: [
      {},
      ...order.map(({ method }) => ({
        label: METHOD_LABELS[method],
        fill: cssColor(element, `--${method.split("_")[0]}`),
        stroke: cssColor(element, `--${method.split("_")[0]}`),
        width: 0,
        points: { show: false },
        paths: uPlot.paths.bars({ size: [0.7, 56], align: 0 }),
      })),
    ],
    hooks: { setCursor: [(u) => tooltip.show(u)] },
  };
  const chart = new uPlot(options, [line.starts, ...order.map(({ values }) => values)], element);
  chart.over.append(tooltip.element);
  tooltip.element.hidden = true;
  return chart;
}
