/** Reconnect policy of a client. */
export interface ReconnectOptions {
  /** Delay before the first retry, in ms. Default 100. */
  initialDelay?: number;
  /** Ceiling of the delay, in ms. Default 10000. */
  maxDelay?: number;
  /** Growth per failed attempt. Default 2. */
  factor?: number;
  /**
   * Fraction of the delay that is randomised, 0..1. Default 0.5: the wait is uniform in
   * `[delay * (1 - jitter), delay]`, which spreads a fleet of clients reconnecting to a restarted
   * server instead of having them all arrive in the same millisecond.
   */
  jitter?: number;
  /** Give up after this many consecutive failed attempts. Default Infinity. */
  maxAttempts?: number;
}

/** Resolved reconnect policy. */
export type ReconnectPolicy = Required<ReconnectOptions>;

/** Fills in the defaults of a reconnect policy and checks its ranges. */
export function resolveReconnectPolicy(options: ReconnectOptions | true): ReconnectPolicy {
  const given = options === true ? {} : options;
  const policy: ReconnectPolicy = {
    initialDelay: given.initialDelay ?? 100,
    maxDelay: given.maxDelay ?? 10_000,
    factor: given.factor ?? 2,
    jitter: given.jitter ?? 0.5,
    maxAttempts: given.maxAttempts ?? Number.POSITIVE_INFINITY,
  };
  if (!(policy.initialDelay >= 0) || !(policy.maxDelay >= policy.initialDelay)) {
    throw new RangeError('reconnect: need 0 <= initialDelay <= maxDelay');
  }
  if (!(policy.factor >= 1)) throw new RangeError('reconnect: factor must be >= 1');
  if (!(policy.jitter >= 0 && policy.jitter <= 1))
    throw new RangeError('reconnect: jitter must be in [0, 1]');
  if (!(policy.maxAttempts >= 1)) throw new RangeError('reconnect: maxAttempts must be >= 1');
  return policy;
}

/** The wait before retry number `attempt` (0-based): exponential, capped, with jitter. */
export function backoffDelay(
  policy: ReconnectPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelay, policy.initialDelay * policy.factor ** Math.min(attempt, 64));
  return exponential * (1 - policy.jitter * random());
}
