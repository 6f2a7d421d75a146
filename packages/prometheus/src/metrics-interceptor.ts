import type { Call, Interceptor, SessionProtocol } from '@bp/session';
import { Counter, Gauge, Histogram, type Registry, register } from 'prom-client';

/** Options of {@link metricsInterceptor}. */
export interface MetricsOptions {
  /** The registry the metrics live in. Default: prom-client's global `register`. */
  registry?: Registry;
  /** Prefix of the metric names. Default `bp_`. */
  prefix?: string;
  /** Bucket bounds of the duration histogram, in seconds. Default: 1 ms .. 10 s, see {@link DEFAULT_BUCKETS}. */
  buckets?: number[];
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
}

function metricsOf(registry: Registry, prefix: string, buckets: readonly number[]): CallMetrics {
  const existing = registry.getSingleMetric(`${prefix}calls_total`);
  if (existing !== undefined) {
    return {
      calls: existing as CallMetrics['calls'],
      errors: registry.getSingleMetric(`${prefix}call_errors_total`) as CallMetrics['errors'],
      duration: registry.getSingleMetric(`${prefix}call_duration_seconds`) as CallMetrics['duration'],
      inFlight: registry.getSingleMetric(`${prefix}calls_in_flight`) as CallMetrics['inFlight'],
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
  };
}

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
 * - `bp_calls_in_flight{direction, kind, type}`: calls running now.
 *
 * `direction` is `incoming` or `outgoing`, `kind` `request` or `message`, `type` the message
 * type's name. Interceptors made for the same registry and prefix share the metrics.
 */
export function metricsInterceptor<P extends SessionProtocol>(options: MetricsOptions = {}): Interceptor<P> {
  const metrics = metricsOf(
    options.registry ?? register,
    options.prefix ?? 'bp_',
    options.buckets ?? DEFAULT_BUCKETS,
  );
  return (next) => async (call: Call<P>) => {
    const labels = { direction: call.direction, kind: call.kind, type: call.typeName ?? String(call.type) };
    metrics.inFlight.inc(labels);
    const stop = metrics.duration.startTimer(labels);
    try {
      return await next(call);
    } catch (error) {
      metrics.errors.inc({ ...labels, code: codeOf(error) });
      throw error;
    } finally {
      stop();
      metrics.calls.inc(labels);
      metrics.inFlight.dec(labels);
    }
  };
}
