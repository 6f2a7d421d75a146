import { competitorEntry } from '../competitors/registry.js';
import type { BenchmarkResult, CaseResult, RunResult, Timeline } from '../results.js';
import { histogramBinEdges, type LogHistogram } from '../stats.js';
import { formatBytes, formatMicros, formatNumber } from './format.js';
import {
  type Bar,
  type BarChartOptions,
  barChart,
  barChartHeight,
  lineChart,
  type Series,
  type SmallMultiplesOptions,
  smallMultiples,
  smallMultiplesHeight,
} from './plot-svg.js';

/** One plot of a run: its file name, what it shows, its size and its SVG. */
export interface PlotSpec {
  file: string;
  title: string;
  width: number;
  height: number;
  svg: string;
}

/** A fixed colour per alternative, so every plot of a run reads the same way. */
export const COLORS: Record<string, string> = {
  'bp-tcp': '#1f5fbf',
  'bp-tls': '#3d8fe0',
  'bp-ws': '#12a4b8',
  'raw-tcp': '#4d4d4d',
  'raw-tls': '#9a9a9a',
  'http-json': '#d62728',
  'ws-json': '#ff7f0e',
  'ws-msgpackr': '#2ca02c',
  'socket-io': '#8c564b',
  grpc: '#9467bd',
};

const WIDTH = 960;
const HEIGHT = 540;

const colorOf = (id: string) => COLORS[id] ?? '#777777';
const labelOf = (id: string) => {
  try {
    return competitorEntry(id).label;
  } catch {
    return id;
  }
};

/** A bar chart as a plot: the chart's own title and width, its height derived from its groups. */
function barChartPlot(file: string, options: BarChartOptions): PlotSpec {
  return {
    file,
    title: options.title,
    width: options.width,
    height: barChartHeight(options),
    svg: barChart(options),
  };
}

function okResults(c: CaseResult) {
  return c.results.filter((r) => r.status === 'ok' && r.samples.length > 0);
}

/** Every plot the run's data supports. */
export function buildPlots(run: RunResult): PlotSpec[] {
  const plots: PlotSpec[] = [];
  const find = (type: string) => run.benchmarks.find((b) => b.type === type);
  const fixed = find('fixed');
  const variable = find('variable');
  const realistic = find('realistic');
  const idle = find('idle');
  if (variable) plots.push(...optional(throughputBySize(variable)));
  if (fixed) {
    plots.push(...optional(comparisonBars(fixed)));
    plots.push(...optional(latencyDistribution(fixed)));
  }
  if (realistic) plots.push(...optional(realisticLatency(realistic)));
  if (idle) plots.push(...optional(idleMemory(idle)));
  if (run.codec?.status === 'ok') plots.push(...optional(codecBars(run)));
  const timelineBenchmark = fixed?.type ?? run.benchmarks[0]?.type;
  if (timelineBenchmark) {
    const server = run.timelines.filter(
      (t) =>
        t.benchmark === timelineBenchmark &&
        t.role === 'server' &&
        t.repetition === 0 &&
        t.samples.length > 1,
    );
    plots.push(...optional(resourceOverTime(server, 'cpu', timelineBenchmark)));
    plots.push(...optional(resourceOverTime(server, 'memory', timelineBenchmark)));
  }
  return plots;
}

const optional = (plot: PlotSpec | undefined) => (plot ? [plot] : []);

function throughputBySize(benchmark: BenchmarkResult): PlotSpec | undefined {
  const byCompetitor = new Map<string, [number, number][]>();
  for (const c of benchmark.cases) {
    if (c.spec.kind !== 'request-response') continue;
    for (const r of okResults(c)) {
      const mb = r.summary.mbPerSec?.median;
      if (mb === undefined) continue;
      const list = byCompetitor.get(r.competitor) ?? [];
      list.push([c.spec.size, mb]);
      byCompetitor.set(r.competitor, list);
    }
  }
  if (byCompetitor.size === 0) return undefined;
  const sizes = [...new Set([...byCompetitor.values()].flatMap((points) => points.map((p) => p[0])))];
  const first = benchmark.cases[0]!.spec;
  const inFlight = first.kind === 'request-response' ? first.concurrency : 1;
  const title = `Payload throughput by message size (request/response, ${inFlight} in flight)`;
  const series: Series[] = [...byCompetitor].map(([id, points]) => ({
    name: labelOf(id),
    color: colorOf(id),
    points,
  }));
  return {
    file: 'throughput-by-size.png',
    title,
    width: WIDTH,
    height: HEIGHT,
    svg: lineChart({
      title,
      width: WIDTH,
      height: HEIGHT,
      x: { label: 'payload size', log: true, format: formatBytes, ticks: sizes },
      y: { label: 'MB/s (both directions, median)', log: true, format: formatNumber },
      series,
    }),
  };
}

function comparisonBars(benchmark: BenchmarkResult): PlotSpec | undefined {
  const groups = benchmark.cases
    .map((c) => ({
      label: c.spec.title,
      bars: okResults(c)
        .filter((r) => r.summary.msgsPerSec !== undefined)
        .map(
          (r): Bar => ({
            name: labelOf(r.competitor),
            value: r.summary.msgsPerSec!.median,
            color: colorOf(r.competitor),
          }),
        ),
    }))
    .filter((g) => g.bars.length > 0);
  if (groups.length === 0) return undefined;
  const title = 'Messages per second, fixed-size messages (median of repetitions, log scale)';
  const options = {
    title,
    width: WIDTH,
    groups,
    value: { label: 'messages or requests per second', log: true, format: formatNumber },
  };
  return barChartPlot('comparison.png', options);
}

/** Merges histograms with the same bins (repetitions of one alternative). */
export function mergeHistograms(histograms: LogHistogram[]): LogHistogram | undefined {
  if (histograms.length === 0) return undefined;
  const { min, binsPerDecade } = histograms[0]!;
  const counts: number[] = [];
  let underflow = 0;
  for (const h of histograms) {
    if (h.min !== min || h.binsPerDecade !== binsPerDecade) continue;
    underflow += h.underflow;
    h.counts.forEach((n, i) => {
      counts[i] = (counts[i] ?? 0) + n;
    });
  }
  return { min, binsPerDecade, counts: Array.from(counts, (n) => n ?? 0), underflow };
}

/** Cumulative share of samples (percent) at each bin's upper edge. */
export function cumulativePoints(h: LogHistogram): [number, number][] {
  const total = h.counts.reduce((a, b) => a + b, 0);
  if (total === 0) return [];
  let running = 0;
  const points: [number, number][] = [];
  h.counts.forEach((n, i) => {
    running += n;
    if (n > 0) points.push([histogramBinEdges(h, i)[1], (running / total) * 100]);
  });
  return points;
}

function latencyDistribution(benchmark: BenchmarkResult): PlotSpec | undefined {
  const rr = benchmark.cases.filter((c) => c.spec.kind === 'request-response');
  const chosen = rr.find((c) => c.spec.id.endsWith('rr-c64')) ?? rr[rr.length - 1];
  if (!chosen) return undefined;
  const series: Series[] = [];
  for (const r of okResults(chosen)) {
    const merged = mergeHistograms(
      r.samples.flatMap((s) => (s.latencyHistogram ? [s.latencyHistogram] : [])),
    );
    const points = merged ? cumulativePoints(merged) : [];
    if (points.length > 0)
      series.push({ name: labelOf(r.competitor), color: colorOf(r.competitor), points, markers: false });
  }
  if (series.length === 0) return undefined;
  const title = `Latency distribution: ${chosen.spec.title}`;
  return {
    file: 'latency-distribution.png',
    title,
    width: WIDTH,
    height: HEIGHT,
    svg: lineChart({
      title,
      width: WIDTH,
      height: HEIGHT,
      x: { label: 'round-trip latency (log scale)', log: true, format: formatMicros },
      y: { label: 'requests at or below (%)', format: (v) => `${v}%`, include: 0 },
      series,
    }),
  };
}

function realisticLatency(benchmark: BenchmarkResult): PlotSpec | undefined {
  const c = benchmark.cases[0];
  if (!c) return undefined;
  const results = okResults(c);
  const groups = (['latencyP50Us', 'latencyP99Us'] as const)
    .map((metric) => ({
      label: metric === 'latencyP50Us' ? 'request latency p50' : 'request latency p99',
      bars: results
        .filter((r) => r.summary[metric] !== undefined)
        .map(
          (r): Bar => ({
            name: labelOf(r.competitor),
            value: r.summary[metric]!.median,
            color: colorOf(r.competitor),
          }),
        ),
    }))
    .filter((g) => g.bars.length > 0);
  if (groups.length === 0) return undefined;
  const title = `Realistic mix: ${c.spec.title}`;
  const options = {
    title,
    width: WIDTH,
    groups,
    value: { label: 'latency (log scale, lower is better)', log: true, format: formatMicros },
  };
  return barChartPlot('realistic-latency.png', options);
}

function idleMemory(benchmark: BenchmarkResult): PlotSpec | undefined {
  const c = benchmark.cases[0];
  if (!c) return undefined;
  const bars = okResults(c)
    .filter((r) => (r.summary.serverRssPerConnectionKB?.median ?? 0) > 0)
    .map(
      (r): Bar => ({
        name: labelOf(r.competitor),
        value: r.summary.serverRssPerConnectionKB!.median,
        color: colorOf(r.competitor),
        note: `${formatNumber(r.summary.serverRssPerConnectionKB!.median)} KB`,
      }),
    );
  if (bars.length === 0) return undefined;
  const title = `Server memory per idle connection (${c.spec.title})`;
  const options = {
    title,
    width: WIDTH,
    groups: [{ label: 'RSS growth / connections', bars }],
    value: { label: 'KB per connection (lower is better)', format: formatNumber },
  };
  return barChartPlot('idle-memory.png', options);
}

/**
 * Server CPU or memory over time as small multiples, one panel per alternative: on one axis nine
 * series overlap and the slowest alternative's long tail squeezes every other line to the left.
 */
function resourceOverTime(
  timelines: Timeline[],
  what: 'cpu' | 'memory',
  benchmark: string,
): PlotSpec | undefined {
  if (timelines.length === 0) return undefined;
  const title =
    what === 'cpu'
      ? `Server CPU over time, ${benchmark} benchmark (first repetition; one panel per alternative)`
      : `Server memory (RSS) over time, ${benchmark} benchmark (first repetition; one panel per alternative)`;
  const options: SmallMultiplesOptions = {
    title,
    width: WIDTH,
    columns: 3,
    x: {
      label: 'seconds since the server started (each panel its own scale)',
      format: formatNumber,
      include: 0,
    },
    y:
      what === 'cpu'
        ? { label: 'CPU, % of one core (user + sys)', format: (v) => `${v}%`, include: 0 }
        : { label: 'resident set size (MB)', format: formatNumber, include: 0 },
    panels: timelines.map((t) => ({
      title: labelOf(t.competitor),
      series: [
        {
          name: labelOf(t.competitor),
          color: colorOf(t.competitor),
          markers: false,
          points: t.samples.map((s): [number, number] => [
            s.t / 1000,
            what === 'cpu' ? s.cpuUserPct + s.cpuSysPct : s.rssMB,
          ]),
        },
      ],
    })),
  };
  return {
    file: what === 'cpu' ? 'resources-cpu.png' : 'resources-memory.png',
    title,
    width: WIDTH,
    height: smallMultiplesHeight(options),
    svg: smallMultiples(options),
  };
}

function codecBars(run: RunResult): PlotSpec | undefined {
  const rows = run.codec?.rows ?? [];
  const scenario = rows[0]?.message;
  const chosen = rows.filter((r) => r.message === scenario);
  const operations = [...new Set(chosen.map((r) => r.operation))];
  const palette = [
    '#4d4d4d',
    '#1f5fbf',
    '#3d8fe0',
    '#12a4b8',
    '#d62728',
    '#2ca02c',
    '#9467bd',
    '#ff7f0e',
    '#8c564b',
  ];
  const libraries = [...new Set(chosen.map((r) => r.library))];
  const groups = operations.map((operation) => ({
    label: `${scenario} ${operation}`,
    bars: chosen
      .filter((r) => r.operation === operation)
      .map(
        (r): Bar => ({
          name: r.library,
          value: r.opsPerSec,
          color: palette[libraries.indexOf(r.library) % palette.length]!,
        }),
      ),
  }));
  if (groups.length === 0) return undefined;
  const title = `Codec operations per second, ${scenario} message (one core, log scale)`;
  const options = {
    title,
    width: WIDTH,
    groups,
    value: { label: 'operations per second', log: true, format: formatNumber },
  };
  return barChartPlot('codec-comparison.png', options);
}
