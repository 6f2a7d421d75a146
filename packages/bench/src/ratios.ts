import { METRICS } from './metrics.js';
import type { CompetitorCaseResult, RatioEntry } from './results.js';
import { pairedRatio } from './stats.js';

/**
 * bp's ratios against every alternative (not bp's other transports) in one case, on the given metrics, paired by
 * repetition (repetition i of both ran next to each other). "Advantage" reads the same way for
 * every metric: above 1, bp is that many times better.
 */
export function caseRatios(
  results: CompetitorCaseResult[],
  metrics: string[],
  isBp: (id: string) => boolean,
): RatioEntry[] {
  const out: RatioEntry[] = [];
  for (const bp of results) {
    if (!isBp(bp.competitor) || bp.status !== 'ok') continue;
    for (const other of results) {
      // bp's transports against each other are no comparison with an alternative.
      if (isBp(other.competitor) || other.status !== 'ok') continue;
      for (const metric of metrics) {
        const a = metricSamples(bp, metric);
        const b = metricSamples(other, metric);
        if (a.length === 0 || b.length === 0) continue;
        const higher = METRICS[metric]?.better !== 'lower';
        out.push({
          bp: bp.competitor,
          other: other.competitor,
          metric,
          advantage: higher ? pairedRatio(a, b) : pairedRatio(b, a),
        });
      }
    }
  }
  return out;
}

/** The positive values of one metric over an alternative's repetitions, in repetition order. */
export function metricSamples(result: CompetitorCaseResult | undefined, metric: string): number[] {
  if (result === undefined || result.status !== 'ok') return [];
  return result.samples.map((s) => s.metrics[metric]).filter((v): v is number => v !== undefined && v > 0);
}
