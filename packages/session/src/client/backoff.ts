/**
 * How long a client waits between connection attempts: `initialDelay * factor^n`, capped at
 * `maxDelay`, each wait shortened by a random share of at most `jitter`.
 */
export interface BackoffOptions {
  /** Delay before the first retry, in ms. Default 250. */
  initialDelay?: number;
  /** Upper bound of any delay, in ms. Default 30 000 (or `initialDelay` if that is larger). */
  maxDelay?: number;
  /** Growth per failed attempt. Default 2. */
  factor?: number;
  /**
   * Share of each delay that is randomised, 0..1. Default 0.5: a delay `d` becomes a uniform pick
   * in `[d * (1 - jitter), d]`, so that a server restart does not get every client back at the
   * same instant (a thundering herd).
   */
  jitter?: number;
  /**
   * Retries after which the client gives up and closes with the last error. Default `Infinity`;
   * 0 never retries (the same as `reconnect: false`).
   */
  maxAttempts?: number;
  /**
   * How long a connection must stay open, in ms, for the next loss to start the backoff over at
   * `initialDelay`. Default 5000. A connection lost sooner counts as one more failed attempt, so
   * a server that accepts and then drops every connection (one that crashes on the first
   * request, say) sees the delays grow instead of a reconnect every `initialDelay`.
   */
  stableAfter?: number;
}

/** {@link BackoffOptions} with every default applied. */
export type ResolvedBackoff = Required<BackoffOptions>;

/** Fills in the defaults of {@link BackoffOptions} and rejects values that make no schedule. */
export function resolveBackoff(options: BackoffOptions = {}): ResolvedBackoff {
  const initialDelay = options.initialDelay ?? 250;
  const resolved: ResolvedBackoff = {
    initialDelay,
    // A longer initialDelay alone raises the default cap rather than making the options invalid.
    maxDelay: options.maxDelay ?? Math.max(30_000, initialDelay),
    factor: options.factor ?? 2,
    jitter: options.jitter ?? 0.5,
    maxAttempts: options.maxAttempts ?? Number.POSITIVE_INFINITY,
    stableAfter: options.stableAfter ?? 5000,
  };
  if (!(resolved.initialDelay >= 0)) throw new RangeError('backoff.initialDelay must be >= 0');
  if (!(resolved.maxDelay >= resolved.initialDelay))
    throw new RangeError('backoff.maxDelay must be >= initialDelay');
  if (!(resolved.factor >= 1)) throw new RangeError('backoff.factor must be >= 1');
  if (!(resolved.jitter >= 0 && resolved.jitter <= 1)) throw new RangeError('backoff.jitter must be in 0..1');
  if (!(resolved.maxAttempts >= 0)) throw new RangeError('backoff.maxAttempts must be >= 0');
  if (!(resolved.stableAfter >= 0)) throw new RangeError('backoff.stableAfter must be >= 0');
  return resolved;
}

/**
 * The delay before retry number `attempt` (0 for the first retry): exponential growth capped at
 * `maxDelay`, then jittered downwards. `random` is injectable so the schedule can be tested.
 */
export function backoffDelay(
  backoff: ResolvedBackoff,
  attempt: number,
  random: () => number = Math.random,
): number {
  // Math.min before the power keeps huge attempt counts from overflowing to Infinity * 0 = NaN.
  const exponent = Math.min(attempt, 64);
  const ceiling = Math.min(backoff.maxDelay, backoff.initialDelay * backoff.factor ** exponent);
  return ceiling * (1 - backoff.jitter * random());
}
