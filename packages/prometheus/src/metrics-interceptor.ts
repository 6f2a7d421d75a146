import type { Call, Interceptor, SessionProtocol } from '@bp/session';
import { Counter, Gauge, Histogram, type Registry, register } from 'prom-client';

/** Options of {@link metricsInterceptor}. */
export interface MetricsOptions {
  /** The registry the metrics live in. Default: prom-client's global `register`. */
  registry?: Registry;
  /** Prefix of the metric names. Default `bp_`. */
  prefix?: string;
  /** Bucket bounds of the duration histogram, in seconds. Default: 0.5 ms .. 10 s, see {@link DEFAULT_BUCKETS}. */
  buckets?: number[];
  /**
   * Which calls to measure: `incoming` (the peer's requests and messages, the handlers' work),
   * `outgoing` (this side's requests and pushes), or both (the default). A server that pushes
   * far more than it is asked may leave its pushes out.
   */
  directions?: readonly ('incoming' | 'outgoing')[];
}

/** The default buckets of `bp_call_duration_seconds`, in seconds. */
export const DEFAULT_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

const LABELS = ['direction', 'kind', 'type'] as const;

/** The metrics of one registry and prefix, shared by every interceptor made for them. */
interface CallMetrics {
  readonly calls: Counter<(typeof LABELS)[number]>;
  readonly errors: Counter<(typeof LABELS)[number] | 'code'>;
  readonly duration: Histogram<(typeof LABELS)[number]>;
  readonly inFlight: Gauge<(typeof LABELS)[number]>;
  readonly members: Counter<'type' | 'result'>;
}

function metricsOf(registry: Registry, prefix: string, buckets: readonly number[]): CallMetrics {
  const existing = registry.getSingleMetric(`${prefix}calls_total`);
  if (existing !== undefined) {
    return {
      calls: existing as CallMetrics['calls'],
      errors: registry.getSingleMetric(`${prefix}call_errors_total`) as CallMetrics['errors'],
      duration: registry.getSingleMetric(`${prefix}call_duration_seconds`) as CallMetrics['duration'],
      inFlight: registry.getSingleMetric(`${prefix}calls_in_flight`) as CallMetrics['inFlight'],
      members: registry.getSingleMetric(`${prefix}broadcast_members_total`) as CallMetrics['members'],
    };
  }
  const registers = [registry];
  return {
    calls: new Counter({
      name: `${prefix}calls_total`,
      help: 'bp calls completed (requests answered or failed, one-way messages sent or handled), by direction, kind and message type',
      labelNames: LABELS,
      registers,
    }),
    errors: new Counter({
      name: `${prefix}call_errors_total`,
      help: 'bp calls that failed, by direction, kind, message type and error code',
      labelNames: [...LABELS, 'code'],
      registers,
    }),
    duration: new Histogram({
      name: `${prefix}call_duration_seconds`,
      help: 'Time from the start of a bp call to its outcome (outgoing requests: until the reply; incoming: the handler), seconds',
      labelNames: LABELS,
      buckets: [...buckets],
      registers,
    }),
    inFlight: new Gauge({
      name: `${prefix}calls_in_flight`,
      help: 'bp calls started and not finished yet, by direction, kind and message type',
      labelNames: LABELS,
      registers,
    }),
    members: new Counter({
      name: `${prefix}broadcast_members_total`,
      help: 'Members reached or skipped by server broadcasts to rooms, by message type and result (sent, congested, dropped, too_large, not_open, absent)',
      labelNames: ['type', 'result'],
      registers,
    }),
  };
}

/** The `result` label of `bp_broadcast_members_total` for each count of a broadcast's outcome. */
const MEMBER_RESULTS = [
  ['sent', 'sent'],
  ['congested', 'congested'],
  ['dropped', 'dropped'],
  ['tooLarge', 'too_large'],
  ['notOpen', 'not_open'],
  ['absent', 'absent'],
] as const;

/** The error code label: a bp error's stable `code`, else the error's name. */
function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}

/**
 * An interceptor that counts and times every call of a session, both directions, per message
 * type (install it on servers, clients, or both):
 *
 * - `bp_calls_total{direction, kind, type}`: calls completed;
 * - `bp_call_errors_total{direction, kind, type, code}`: calls that failed, by error code
 *   (`application-error`, `timeout`, `handler-error`, ...);
 * - `bp_call_duration_seconds{direction, kind, type}`: a histogram of their durations;
 * - `bp_calls_in_flight{direction, kind, type}`: calls running now;
 * - `bp_broadcast_members_total{type, result}`: members of server broadcasts (`result` `sent`,
 *   `congested`, `dropped`, `too_large`, `not_open`, `absent`).
 *
 * `direction` is `incoming` or `outgoing`, `kind` `request`, `message` or (servers) `broadcast`,
 * `type` the message type's name. A broadcast to rooms counts **once** in `bp_calls_total` (kind
 * `broadcast`), however many members it reaches; its members are counted by result in
 * `bp_broadcast_members_total`. Interceptors made for the same registry and prefix share the metrics.
 */
export function metricsInterceptor<P extends SessionProtocol>(options: MetricsOptions = {}): Interceptor<P> {
  const metrics = metricsOf(
    options.registry ?? register,
    options.prefix ?? 'bp_',
    options.buckets ?? DEFAULT_BUCKETS,
  );
  const directions = options.directions ?? ['incoming', 'outgoing'];
  const incoming = directions.includes('incoming');
  const outgoing = directions.includes('outgoing');
  // The bound children of each label set, made once: a call then costs no label hashing. By
  // direction and kind (0 incoming request, 1 incoming message, 2 and 3 outgoing, 4 broadcast),
  // then type.
  const bound = [0, 1, 2, 3, 4].map(() => new Map<number, Bound>());
  const boundOf = (call: Call<P>): Bound => {
    const byType =
      bound[
        call.kind === 'broadcast'
          ? 4
          : (call.direction === 'incoming' ? 0 : 2) + (call.kind === 'request' ? 0 : 1)
      ]!;
    let children = byType.get(call.type);
    if (children === undefined) {
      const labels = { direction: call.direction, kind: call.kind, type: call.typeName ?? String(call.type) };
      children = {
        labels,
        calls: metrics.calls.labels(labels),
        duration: metrics.duration.labels(labels),
        inFlight: metrics.inFlight.labels(labels),
      };
      byType.set(call.type, children);
    }
    return children;
  };
  const fail = (children: Bound, error: unknown): void => {
    metrics.errors.inc({ ...children.labels, code: codeOf(error) });
  };
  return (next) => (call) => {
    if (!(call.direction === 'incoming' ? incoming : outgoing)) return next(call);
    const children = boundOf(call);
    children.inFlight.inc();
    const started = performance.now();
    const done = (): void => {
      children.duration.observe((performance.now() - started) / 1000);
      children.calls.inc();
      children.inFlight.dec();
    };
    let outcome: ReturnType<typeof next>;
    try {
      outcome = next(call);
    } catch (error) {
      fail(children, error);
      done();
      throw error;
    }
    return outcome.then(
      (result) => {
        const counts = result.broadcast;
        if (counts !== undefined) {
          for (const [key, label] of MEMBER_RESULTS) {
            const n = counts[key];
            if (n > 0) metrics.members.inc({ type: children.labels.type, result: label }, n);
          }
        }
        done();
        return result;
      },
      (error: unknown) => {
        fail(children, error);
        done();
        throw error;
      },
    );
  };
}

/** The children of the metrics for one label set. */
interface Bound {
  readonly labels: { direction: string; kind: string; type: string };
  readonly calls: { inc(): void };
  readonly duration: { observe(value: number): void };
  readonly inFlight: { inc(): void; dec(): void };
}
