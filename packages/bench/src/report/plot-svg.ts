/**
 * Small SVG charts, written by hand so plots need no browser and no DOM: a line chart with
 * linear or log axes, and a horizontal grouped bar chart. Output is plain SVG 1.1 text that
 * resvg renders to PNG.
 */

/** One line of a line chart. */
export interface Series {
  name: string;
  color: string;
  points: [number, number][];
  /** Draw a marker at each point (default true). */
  markers?: boolean;
}

/** An axis: linear or log10, with how tick values are written. */
export interface AxisOptions {
  label: string;
  log?: boolean;
  format?: (value: number) => string;
  /** Force the axis to include this value (e.g. 0 on a linear axis). */
  include?: number;
  /** Tick values to use instead of computed ones (e.g. the message sizes of a sweep); they set the axis range. */
  ticks?: number[];
}

/** A line chart. */
export interface LineChartOptions {
  title: string;
  width: number;
  height: number;
  x: AxisOptions;
  y: AxisOptions;
  series: Series[];
}

/** One bar of a bar group. */
export interface Bar {
  name: string;
  value: number;
  color: string;
  /** Text beside the bar (default: the formatted value). */
  note?: string;
}

/** A horizontal grouped bar chart: one group per row label. */
export interface BarChartOptions {
  title: string;
  width: number;
  groups: { label: string; bars: Bar[] }[];
  value: AxisOptions;
  /** Height of one bar in pixels (default 14). */
  barHeight?: number;
}

const FONT = 'DejaVu Sans, Arial, Helvetica, sans-serif';
const MARGIN = { top: 44, right: 24, bottom: 52, left: 76 };

/** Escapes text for SVG content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Tick values for a linear axis covering [min, max]: about `count` steps of 1, 2 or 5 times a
 * power of ten, starting and ending on a tick at or beyond the range.
 */
export function linearTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.5 : 1;
    return linearTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const start = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = start; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Tick values for a log axis: powers of ten covering [min, max] (and 2 and 5 times them when the range is narrow). */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max > 0)) throw new RangeError('log axis needs positive values');
  const low = Math.floor(Math.log10(min));
  let high = Math.ceil(Math.log10(max));
  if (high === low) high++;
  const decades = high - low;
  const ticks: number[] = [];
  for (let e = low; e <= high; e++) {
    for (const m of decades <= 2 ? [1, 2, 5] : [1]) {
      const v = Number((m * 10 ** e).toPrecision(12));
      ticks.push(v);
    }
  }
  // Trim multiples beyond the last power of ten that covers max.
  while (ticks.length > 2 && ticks[ticks.length - 2]! >= max) ticks.pop();
  while (ticks.length > 2 && ticks[1]! <= min) ticks.shift();
  return ticks;
}

/** Maps data values to pixels along one axis. */
export interface Scale {
  (value: number): number;
  ticks: number[];
}

/** A scale from the data range onto [from, to] pixels. */
export function makeScale(values: number[], axis: AxisOptions, from: number, to: number): Scale {
  const data = axis.include === undefined ? values : [...values, axis.include];
  const finite = data.filter((v) => Number.isFinite(v) && (!axis.log || v > 0));
  const min = finite.length > 0 ? Math.min(...finite) : axis.log ? 1 : 0;
  const max = finite.length > 0 ? Math.max(...finite) : axis.log ? 10 : 1;
  const ticks =
    axis.ticks && axis.ticks.length > 1
      ? [...axis.ticks].sort((a, b) => a - b)
      : axis.log
        ? logTicks(min, max)
        : linearTicks(min, max);
  const t0 = ticks[0]!;
  const t1 = ticks[ticks.length - 1]!;
  const map = axis.log
    ? (v: number) =>
        from + ((Math.log10(v) - Math.log10(t0)) / (Math.log10(t1) - Math.log10(t0))) * (to - from)
    : (v: number) => from + ((v - t0) / (t1 - t0)) * (to - from);
  return Object.assign(map, { ticks });
}

const fmt = (axis: AxisOptions, v: number) => (axis.format ? axis.format(v) : String(v));

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-family="${FONT}" ${attrs}>${escapeXml(content)}</text>`;
}

function frame(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(width / 2, 26, title, 'font-size="16" font-weight="bold" text-anchor="middle" fill="#222"'),
    ...body,
    '</svg>',
  ].join('\n');
}

/** The rectangle a chart's axes enclose, in pixels. */
interface Area {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * Axes, grid, ticks and lines of one chart inside `area`. `yValues` widens the y scale beyond the
 * series' own points (small multiples share one y scale, so their levels compare at a glance).
 */
function plotArea(
  area: Area,
  x: AxisOptions,
  y: AxisOptions,
  series: Series[],
  options: { yValues?: number[]; tickFont?: number } = {},
): string[] {
  const { left, right, top, bottom } = area;
  const font = options.tickFont ?? 11;
  const points = series.flatMap((s) => s.points);
  const sx = makeScale(
    points.map((p) => p[0]),
    x,
    left,
    right,
  );
  const sy = makeScale(options.yValues ?? points.map((p) => p[1]), y, bottom, top);
  const body: string[] = [];
  for (const t of sy.ticks) {
    const py = sy(t);
    body.push(
      `<line x1="${left}" y1="${py.toFixed(1)}" x2="${right}" y2="${py.toFixed(1)}" stroke="#e4e4e4"/>`,
    );
    body.push(text(left - 6, py + 4, fmt(y, t), `font-size="${font}" text-anchor="end" fill="#444"`));
  }
  for (const t of sx.ticks) {
    const px = sx(t);
    body.push(
      `<line x1="${px.toFixed(1)}" y1="${top}" x2="${px.toFixed(1)}" y2="${bottom}" stroke="#f0f0f0"/>`,
    );
    body.push(text(px, bottom + 16, fmt(x, t), `font-size="${font}" text-anchor="middle" fill="#444"`));
  }
  body.push(
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#888"/>`,
  );
  for (const s of series) {
    const usable = s.points.filter(([px, py]) => (!x.log || px > 0) && (!y.log || py > 0));
    if (usable.length === 0) continue;
    const d = usable
      .map(([px, py], k) => `${k === 0 ? 'M' : 'L'}${sx(px).toFixed(1)},${sy(py).toFixed(1)}`)
      .join(' ');
    body.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    if (s.markers !== false) {
      for (const [px, py] of usable) {
        body.push(`<circle cx="${sx(px).toFixed(1)}" cy="${sy(py).toFixed(1)}" r="3" fill="${s.color}"/>`);
      }
    }
  }
  return body;
}

/** The x label under an area and the y label turned along its left side. */
function axisLabels(height: number, area: Area, x: AxisOptions, y: AxisOptions): string[] {
  const middle = (area.top + area.bottom) / 2;
  return [
    text(
      (area.left + area.right) / 2,
      height - 14,
      x.label,
      'font-size="12" text-anchor="middle" fill="#222"',
    ),
    text(
      16,
      middle,
      y.label,
      `font-size="12" text-anchor="middle" fill="#222" transform="rotate(-90 16 ${middle.toFixed(1)})"`,
    ),
  ];
}

/** Renders a line chart with a legend on the right. */
export function lineChart(options: LineChartOptions): string {
  const { width, height, x, y, series } = options;
  const legendWidth = 190;
  const area = {
    left: MARGIN.left,
    right: width - MARGIN.right - legendWidth,
    top: MARGIN.top,
    bottom: height - MARGIN.bottom,
  };
  const body = [...plotArea(area, x, y, series), ...axisLabels(height, area, x, y)];
  series.forEach((s, i) => {
    const ly = area.top + 8 + i * 18;
    body.push(`<rect x="${area.right + 16}" y="${ly - 8}" width="14" height="10" fill="${s.color}"/>`);
    body.push(text(area.right + 36, ly + 1, s.name, 'font-size="11" fill="#222"'));
  });
  return frame(width, height, options.title, body);
}

/** One panel of a small-multiples chart: its own title and lines. */
export interface Panel {
  title: string;
  series: Series[];
}

/** Small multiples: one panel per subject in a grid, each with its own x axis and one shared y scale. */
export interface SmallMultiplesOptions {
  title: string;
  width: number;
  /** Panels per row (default 3). */
  columns?: number;
  /** Height of one panel with its title and ticks (default 180). */
  panelHeight?: number;
  x: AxisOptions;
  y: AxisOptions;
  panels: Panel[];
}

const PANEL_GAP = { x: 64, top: 22, bottom: 26 };

/** Height a small-multiples chart needs for its panels. */
export function smallMultiplesHeight(options: SmallMultiplesOptions): number {
  const rows = Math.max(1, Math.ceil(options.panels.length / (options.columns ?? 3)));
  return MARGIN.top + rows * (options.panelHeight ?? 180) + MARGIN.bottom;
}

/**
 * Renders small multiples: a grid of panels, one subject each, so that no series hides another
 * and a slow subject's long tail stretches only its own x axis, while the shared y scale keeps
 * levels comparable across panels.
 */
export function smallMultiples(options: SmallMultiplesOptions): string {
  const { width, x, y, panels } = options;
  const columns = Math.max(1, options.columns ?? 3);
  const panelHeight = options.panelHeight ?? 180;
  const height = smallMultiplesHeight(options);
  const cellWidth = (width - MARGIN.left - MARGIN.right + PANEL_GAP.x) / columns;
  const yValues = panels.flatMap((p) => p.series.flatMap((s) => s.points.map((pt) => pt[1])));
  const body: string[] = [];
  panels.forEach((panel, i) => {
    const left = MARGIN.left + (i % columns) * cellWidth;
    const top = MARGIN.top + Math.floor(i / columns) * panelHeight + PANEL_GAP.top;
    const area = {
      left,
      right: left + cellWidth - PANEL_GAP.x,
      top,
      bottom: top + panelHeight - PANEL_GAP.top - PANEL_GAP.bottom,
    };
    body.push(text(area.left, area.top - 6, panel.title, 'font-size="12" font-weight="bold" fill="#222"'));
    body.push(...plotArea(area, x, y, panel.series, { yValues, tickFont: 10 }));
  });
  const whole = {
    left: MARGIN.left,
    right: width - MARGIN.right,
    top: MARGIN.top,
    bottom: height - MARGIN.bottom,
  };
  body.push(...axisLabels(height, whole, x, y));
  return frame(width, height, options.title, body);
}

/** Height a bar chart needs for its groups. */
export function barChartHeight(options: BarChartOptions): number {
  const barHeight = options.barHeight ?? 14;
  const rows = options.groups.reduce((sum, g) => sum + g.bars.length, 0);
  return MARGIN.top + 10 + rows * (barHeight + 3) + options.groups.length * 22 + MARGIN.bottom;
}

/** Renders a horizontal grouped bar chart; bar length follows the value axis (linear from 0, or log). */
export function barChart(options: BarChartOptions): string {
  const { width, groups, value } = options;
  const barHeight = options.barHeight ?? 14;
  const height = barChartHeight(options);
  const labelWidth = 200;
  const left = labelWidth;
  const right = width - MARGIN.right - 70;
  const top = MARGIN.top + 10;
  const bottom = height - MARGIN.bottom;
  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v > 0);
  const axis: AxisOptions = value.log ? value : { ...value, include: 0 };
  const sx = makeScale(values, axis, left, right);
  const origin = value.log ? left : sx(0);
  const body: string[] = [];
  for (const t of sx.ticks) {
    const px = sx(t);
    body.push(
      `<line x1="${px.toFixed(1)}" y1="${top - 4}" x2="${px.toFixed(1)}" y2="${bottom}" stroke="#e8e8e8"/>`,
    );
    body.push(text(px, bottom + 16, fmt(value, t), 'font-size="11" text-anchor="middle" fill="#444"'));
  }
  body.push(
    text((left + right) / 2, height - 14, value.label, 'font-size="12" text-anchor="middle" fill="#222"'),
  );
  let yPos = top;
  for (const group of groups) {
    body.push(text(8, yPos + 12, group.label, 'font-size="12" font-weight="bold" fill="#222"'));
    yPos += 18;
    for (const bar of group.bars) {
      const end = bar.value > 0 ? sx(bar.value) : origin;
      const widthPx = Math.max(1, end - origin);
      body.push(
        text(left - 6, yPos + barHeight - 3, bar.name, 'font-size="11" text-anchor="end" fill="#333"'),
      );
      body.push(
        `<rect x="${origin.toFixed(1)}" y="${yPos}" width="${widthPx.toFixed(1)}" height="${barHeight}" fill="${bar.color}"/>`,
      );
      body.push(
        text(
          origin + widthPx + 4,
          yPos + barHeight - 3,
          bar.note ?? fmt(value, bar.value),
          'font-size="11" fill="#333"',
        ),
      );
      yPos += barHeight + 3;
    }
    yPos += 4;
  }
  return frame(width, height, options.title, body);
}
