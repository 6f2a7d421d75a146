import { metricSamples } from './ratios.js';
import type { BenchmarkResult, TargetCheck } from './results.js';
import { pairedRatio } from './stats.js';

interface TargetDefinition {
  id: string;
  description: string;
  caseId: string;
  metric: string;
  limit: { min?: number; max?: number };
  /** The bp transports held to it, each against its hand-written reference. */
  transports: readonly ('tcp' | 'tls')[];
}

const BOTH = ['tcp', 'tls'] as const;
const TCP = ['tcp'] as const;

/**
 * The performance issue's targets (issue 13), as ratios of bp to the hand-written framing in the
 * same run; p50 at 1 in flight is kept from the first floor's targets (issue 3).
 */
const DEFINITIONS: TargetDefinition[] = [
  {
    id: 'rr-c64',
    description: 'SENSOR request/response, 64 in flight: at least 85% of the hand-written framing',
    caseId: 'fixed/sensor/rr-c64',
    metric: 'msgsPerSec',
    limit: { min: 0.85 },
    transports: BOTH,
  },
  {
    id: 'one-way-u32',
    description: 'FIXED_BENCHMARK (u32) one-way stream: at least 90% of the hand-written framing',
    caseId: 'fixed/fixed4/stream',
    metric: 'msgsPerSec',
    limit: { min: 0.9 },
    transports: TCP,
  },
  {
    id: 'one-way',
    description: 'SENSOR (16-byte) one-way stream: at least 90% of the hand-written framing',
    caseId: 'fixed/sensor/stream',
    metric: 'msgsPerSec',
    limit: { min: 0.9 },
    transports: TCP,
  },
  {
    id: 'p99-c64',
    description: 'p99 latency, 64 in flight: at most 1.3x the hand-written framing',
    caseId: 'fixed/sensor/rr-c64',
    metric: 'latencyP99Us',
    limit: { max: 1.3 },
    transports: TCP,
  },
  {
    id: 'max-c64',
    description: 'max latency, 64 in flight: at most 2x the hand-written framing',
    caseId: 'fixed/sensor/rr-c64',
    metric: 'latencyMaxUs',
    limit: { max: 2 },
    transports: TCP,
  },
  {
    id: 'p50-c1',
    description: 'p50 latency, 1 in flight: within 1.25x of the hand-written framing',
    caseId: 'fixed/sensor/rr-c1',
    metric: 'latencyP50Us',
    limit: { max: 1.25 },
    transports: BOTH,
  },
  {
    id: 'idle-memory',
    description: 'server memory per idle connection: at most 1.3x the hand-written framing',
    caseId: 'idle/connections',
    metric: 'serverRssPerConnectionKB',
    limit: { max: 1.3 },
    transports: TCP,
  },
];

/**
 * Checks every target for bp over TCP and over TLS against the matching reference. A `quick` run
 * is a smoke test whose windows are too short to judge anything: its ratios are still computed
 * (so the machinery is exercised) but every target that ran is `not-judged`, never met or missed.
 */
export function checkTargets(benchmarks: BenchmarkResult[], quick = false): TargetCheck[] {
  const cases = new Map(benchmarks.flatMap((b) => b.cases.map((c) => [c.spec.id, c] as const)));
  const checks: TargetCheck[] = [];
  for (const transport of BOTH) {
    const bp = `bp-${transport}`;
    const reference = `raw-${transport}`;
    for (const def of DEFINITIONS.filter((d) => d.transports.includes(transport))) {
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
        status: ratio === null ? 'not-run' : quick ? 'not-judged' : met ? 'met' : 'missed',
      });
    }
  }
  return checks;
}

/** The broadcast target of the rooms issue (issue 14): bp's rooms against socket.io's, same run. */
const BROADCAST_TARGETS = [
  {
    id: 'broadcast-1000',
    description: 'broadcast of a 16-byte message to 1,000 members, delivered/s: at least 3x socket.io',
    caseId: 'broadcast/16b',
    metric: 'msgsPerSec',
    bp: 'bp',
    reference: 'socket.io',
    limit: { min: 3 },
  },
] as const;

/**
 * Checks the broadcast targets on the samples of `bp-bench broadcast` (messages delivered per
 * second per repetition, paired by repetition). A `quick` run is `not-judged`.
 */
export function checkBroadcastTargets(
  results: readonly { competitor: string; msgsPerSec: readonly number[] }[],
  quick = false,
): TargetCheck[] {
  return BROADCAST_TARGETS.map((def) => {
    const a = [...(results.find((r) => r.competitor === def.bp)?.msgsPerSec ?? [])];
    const b = [...(results.find((r) => r.competitor === def.reference)?.msgsPerSec ?? [])];
    const ratio = a.length > 0 && b.length > 0 ? pairedRatio(a, b) : null;
    const met = ratio !== null && ratio.median >= def.limit.min;
    return {
      id: `${def.bp}/${def.id}`,
      description: def.description,
      bp: def.bp,
      reference: def.reference,
      caseId: def.caseId,
      metric: def.metric,
      ratio,
      limit: def.limit,
      status: ratio === null ? 'not-run' : quick ? 'not-judged' : met ? 'met' : 'missed',
    };
  });
}
