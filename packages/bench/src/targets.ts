import { metricSamples } from './ratios.js';
import type { BenchmarkResult, TargetCheck } from './results.js';
import { pairedRatio } from './stats.js';

interface TargetDefinition {
  id: string;
  description: string;
  caseId: string;
  metric: string;
  limit: { min?: number; max?: number };
}

/** Issue 3's targets, as ratios of bp to the hand-written framing in the same run. */
const DEFINITIONS: TargetDefinition[] = [
  {
    id: 'one-way',
    description: 'one-way stream of 16-byte messages: at least 80% of the hand-written framing',
    caseId: 'fixed/sensor/stream',
    metric: 'msgsPerSec',
    limit: { min: 0.8 },
  },
  {
    id: 'rr-c64',
    description: 'request/response, 64 in flight: at least 70% of the hand-written framing',
    caseId: 'fixed/sensor/rr-c64',
    metric: 'msgsPerSec',
    limit: { min: 0.7 },
  },
  {
    id: 'p50-c1',
    description: 'p50 latency, 1 in flight: within 1.25x of the hand-written framing',
    caseId: 'fixed/sensor/rr-c1',
    metric: 'latencyP50Us',
    limit: { max: 1.25 },
  },
  {
    id: 'idle-memory',
    description: 'server memory per idle connection: at most 2x the hand-written framing',
    caseId: 'idle/connections',
    metric: 'serverRssPerConnectionKB',
    limit: { max: 2 },
  },
];

const PAIRS: [string, string][] = [
  ['bp-tcp', 'raw-tcp'],
  ['bp-tls', 'raw-tls'],
];

/** Checks every target for bp over TCP and over TLS against the matching reference. */
export function checkTargets(benchmarks: BenchmarkResult[]): TargetCheck[] {
  const cases = new Map(benchmarks.flatMap((b) => b.cases.map((c) => [c.spec.id, c] as const)));
  const checks: TargetCheck[] = [];
  for (const [bp, reference] of PAIRS) {
    for (const def of DEFINITIONS) {
      const found = cases.get(def.caseId);
      const a = metricSamples(
        found?.results.find((r) => r.competitor === bp),
        def.metric,
      );
      const b = metricSamples(
        found?.results.find((r) => r.competitor === reference),
        def.metric,
      );
      const ratio = a.length > 0 && b.length > 0 ? pairedRatio(a, b) : null;
      const met =
        ratio !== null &&
        (def.limit.min === undefined || ratio.median >= def.limit.min) &&
        (def.limit.max === undefined || ratio.median <= def.limit.max);
      checks.push({
        id: `${bp}/${def.id}`,
        description: def.description,
        bp,
        reference,
        caseId: def.caseId,
        metric: def.metric,
        ratio,
        limit: def.limit,
        status: ratio === null ? 'not-run' : met ? 'met' : 'missed',
      });
    }
  }
  return checks;
}
