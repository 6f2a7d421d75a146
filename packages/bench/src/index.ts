/**
 * @bp/bench: the benchmark harness behind `bp-bench`. The command line is the main surface; this
 * module exposes the pieces that are useful on their own: running benchmarks, comparing result
 * files, the statistics and the charts.
 */

export { type ComparedFigure, compareRuns, comparisonTable } from './compare.js';
export { COMPETITORS, type CompetitorEntry } from './competitors/registry.js';
export type { BenchClient, BenchServer, ClientSettings, Competitor } from './competitors/types.js';
export { type BenchmarkType, type BenchOptions, type Command, HELP, parseCommand } from './options.js';
export {
  type BarChartOptions,
  barChart,
  type LineChartOptions,
  lineChart,
  type Series,
} from './report/plot-svg.js';
export { pngSize, renderPng } from './report/render-png.js';
export { renderReport } from './report/report-markdown.js';
export type * from './results.js';
export { runBenchmarks } from './run/run-benchmarks.js';
export {
  type LatencyPercentiles,
  type LogHistogram,
  latencyPercentiles,
  logHistogram,
  median,
  type PairedRatio,
  pairedRatio,
  percentileOfSorted,
  type Summary,
  summarize,
} from './stats.js';
export { writeResults } from './write-results.js';
