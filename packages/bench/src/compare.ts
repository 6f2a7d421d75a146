import { METRICS } from './metrics.js';
import { formatNumber } from './report/format.js';
import type { Table } from './report/tables.js';
import type { RunResult } from './results.js';

/** Metrics a comparison of two runs looks at. */
const COMPARED = [
  'msgsPerSec',
  'mbPerSec',
  'latencyP50Us',
  'latencyP99Us',
  'wireBytesPerMessage',
  'serverCpuUsPerMessage',
  'serverRssPerConnectionKB',
];

/**
 * Repetitions each run needs before a change may be called better or worse: with fewer, the
 * range of the samples says nothing about the noise (one sample has no range at all).
 */
export const MIN_REPETITIONS_FOR_VERDICT = 3;

/** One figure present in both runs. */
export interface ComparedFigure {
  caseId: string;
  competitor: string;
  metric: string;
  a: number;
  b: number;
  /** (b - a) / a. */
  change: number;
  /** Whether b's median is better (in the metric's direction). */
  improved: boolean;
  /** Repetitions behind `a` and `b`. */
  repetitions: [number, number];
  /**
   * Whether both runs have at least {@link MIN_REPETITIONS_FOR_VERDICT} repetitions and their
   * ranges do not overlap (a change beyond their noise).
   */
  beyondNoise: boolean;
}

/** Every figure both runs have, with how it changed from `a` to `b`. */
export function compareRuns(a: RunResult, b: RunResult): ComparedFigure[] {
  const out: ComparedFigure[] = [];
  const casesB = new Map(b.benchmarks.flatMap((x) => x.cases.map((c) => [c.spec.id, c] as const)));
  for (const caseA of a.benchmarks.flatMap((x) => x.cases)) {
    const caseB = casesB.get(caseA.spec.id);
    if (!caseB) continue;
    for (const ra of caseA.results) {
      const rb = caseB.results.find((r) => r.competitor === ra.competitor);
      if (!rb || ra.status !== 'ok' || rb.status !== 'ok') continue;
      for (const metric of COMPARED) {
        const sa = ra.summary[metric];
        const sb = rb.summary[metric];
        if (!sa || !sb || !(sa.median > 0)) continue;
        const change = (sb.median - sa.median) / sa.median;
        const higher = METRICS[metric]?.better !== 'lower';
        out.push({
          caseId: caseA.spec.id,
          competitor: ra.competitor,
          metric,
          a: sa.median,
          b: sb.median,
          change,
          improved: higher ? change > 0 : change < 0,
          repetitions: [sa.n, sb.n],
          beyondNoise:
            Math.min(sa.n, sb.n) >= MIN_REPETITIONS_FOR_VERDICT && (sb.min > sa.max || sb.max < sa.min),
        });
      }
    }
  }
  return out;
}

/** The comparison as a table, figures that moved beyond noise first. */
export function comparisonTable(figures: ComparedFigure[], aName: string, bName: string): Table {
  const ordered = [...figures].sort(
    (x, y) => Number(y.beyondNoise) - Number(x.beyondNoise) || Math.abs(y.change) - Math.abs(x.change),
  );
  return {
    title: `What changed from ${aName} (a) to ${bName} (b)`,
    header: ['case', 'alternative', 'metric', 'a', 'b', 'change', 'verdict'],
    align: ['left', 'left', 'left', 'right', 'right', 'right', 'left'],
    rows: ordered.map((f) => [
      f.caseId,
      f.competitor,
      `${METRICS[f.metric]?.label ?? f.metric} (${METRICS[f.metric]?.unit ?? ''})`,
      formatNumber(f.a),
      formatNumber(f.b),
      `${f.change >= 0 ? '+' : ''}${(f.change * 100).toFixed(1)}%`,
      verdict(f),
    ]),
    notes: [
      '"within noise": the repetition ranges of a and b overlap.',
      `"too few repetitions": a or b has fewer than ${MIN_REPETITIONS_FOR_VERDICT} repetitions, so its noise is unknown and no change is judged.`,
      'Machines and load differ between runs; ratios within one run are the reliable figures.',
    ],
  };
}

function verdict(f: ComparedFigure): string {
  if (f.beyondNoise) return f.improved ? 'better' : 'worse';
  return Math.min(...f.repetitions) < MIN_REPETITIONS_FOR_VERDICT ? 'too few repetitions' : 'within noise';
}
