import { OptionsCache } from './options-cache.js';

/** Token-bucket rate limit on received messages and requests (docs/PROTOCOL.md section 11). */
export interface RateLimit {
  /** Messages + requests per second; omit for no message limit. */
  readonly messagesPerSecond?: number;
  /** Frame bytes (headers included) per second; omit for no byte limit. */
  readonly bytesPerSecond?: number;
  /** Bucket capacity in seconds of the rate (default 1). */
  readonly burst?: number;
}

/** Per-connection limits and timers. Every field has a default; see docs/PROTOCOL.md section 11. */
export interface SessionLimits {
  /** Largest payload this side accepts; announced to the peer. Default: the protocol's `maxPayloadSize`. */
  maxPayloadSize: number;
  /** Incoming requests handled at once; more get `too-many-in-flight`. Default 1024. */
  maxInFlightRequests: number;
  /** Time for the handshake, ms. Default: the protocol's `connectTimeout` (30 s). */
  handshakeTimeout: number;
  /** Close gracefully after this long without application frames either way, ms; 0 = never (default). */
  idleTimeout: number;
  /** Ping after this much silence, ms; the server announces it in WELCOME. Default `readTimeout / 2`; 0 = off. */
  heartbeatInterval: number;
  /**
   * Declare the peer dead after this long without a complete frame, ms (at least two heartbeat
   * intervals; bytes of an unfinished frame do not count, so a peer dripping a frame is closed
   * too). With `heartbeatInterval` 0 it only bounds a frame that started arriving. Default: the
   * protocol's `readTimeout` (30 s); 0 = never.
   */
  readTimeout: number;
  /** Outgoing high watermark in bytes: `send()` returns false at or above it. Default 1 MiB. */
  maxQueuedBytes: number;
  /** `drained()` resolves once the outgoing queue is at or below this. Default `maxQueuedBytes / 4`. */
  lowWaterMark: number;
  /**
   * @deprecated use `lowWaterMark` (same meaning; spelled like the transports' `highWaterMark`).
   * Still read when `lowWaterMark` is not given; the resolved limits carry both, equal.
   */
  lowWatermark: number;
  /** Absolute cap of the outgoing queue in `backpressure` mode. Default `8 * maxQueuedBytes`. */
  maxBufferedBytes: number;
  /** What to do when the peer reads slower than we write: push back on the producer, or close. */
  slowConsumer: 'backpressure' | 'close';
  /** Optional rate limit on received messages and requests. */
  rateLimit: RateLimit | undefined;
  /** How long `close()` waits for requests in flight, ms. Default 5000. */
  closeDeadline: number;
  /** Default timeout of `request()`, ms; 0 = none. Default: `readTimeout`. */
  requestTimeout: number;
  /** Values buffered in one `messages()` iterator before reading from the peer pauses. Default 1024. */
  iteratorHighWaterMark: number;
  /**
   * Largest `METADATA` body accepted, and sent, in bytes (docs/PROTOCOL.md section 20.4). Default
   * 4096. Received: checked from the frame header (fatal `payload-too-large`); sent: the call fails
   * locally with `metadata-too-large`.
   */
  maxMetadataSize: number;
  /** Most metadata entries of one call, received and sent (at most 255). Default 32. */
  maxMetadataEntries: number;
}

/** The protocol settings the defaults derive from. */
export interface LimitDefaults {
  readonly maxPayloadSize: number;
  readonly connectTimeout: number;
  readonly readTimeout: number;
}

/**
 * Fills in the defaults of {@link SessionLimits} and checks them (`RangeError` for a value out of
 * range): the limits a session created with `given` will run with. Transports use it to derive
 * their own buffers from the same numbers.
 */
export function resolveLimits(protocol: LimitDefaults, given: Partial<SessionLimits> = {}): SessionLimits {
  const readTimeout = given.readTimeout ?? protocol.readTimeout;
  const maxQueuedBytes = given.maxQueuedBytes ?? 1024 * 1024;
  const lowWaterMark = given.lowWaterMark ?? given.lowWatermark ?? Math.floor(maxQueuedBytes / 4);
  const limits: SessionLimits = {
    maxPayloadSize: given.maxPayloadSize ?? protocol.maxPayloadSize,
    maxInFlightRequests: given.maxInFlightRequests ?? 1024,
    handshakeTimeout: given.handshakeTimeout ?? protocol.connectTimeout,
    idleTimeout: given.idleTimeout ?? 0,
    heartbeatInterval: given.heartbeatInterval ?? Math.floor(readTimeout / 2),
    readTimeout,
    maxQueuedBytes,
    lowWaterMark,
    lowWatermark: lowWaterMark,
    maxBufferedBytes: given.maxBufferedBytes ?? maxQueuedBytes * 8,
    slowConsumer: given.slowConsumer ?? 'backpressure',
    rateLimit: given.rateLimit,
    closeDeadline: given.closeDeadline ?? 5000,
    requestTimeout: given.requestTimeout ?? readTimeout,
    iteratorHighWaterMark: given.iteratorHighWaterMark ?? 1024,
    maxMetadataSize: given.maxMetadataSize ?? 4096,
    maxMetadataEntries: given.maxMetadataEntries ?? 32,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`session limit ${name} must be a finite number >= 0, got ${value}`);
    }
  }
  if (limits.maxPayloadSize > 0x0fffffff - 8) throw new RangeError('maxPayloadSize must be below 256 MiB');
  // These travel in u32 fields of the handshake.
  for (const name of ['heartbeatInterval', 'maxInFlightRequests', 'closeDeadline'] as const) {
    if (limits[name] > 0xffffffff) throw new RangeError(`session limit ${name} must fit in 32 bits`);
  }
  if (limits.maxMetadataEntries > 255)
    throw new RangeError('session limit maxMetadataEntries must be at most 255');
  if (limits.maxMetadataSize > 0x0fffffff)
    throw new RangeError('session limit maxMetadataSize must be below 256 MiB');
  if (limits.lowWaterMark > limits.maxQueuedBytes)
    throw new RangeError('lowWaterMark must not exceed maxQueuedBytes');
  return limits;
}

const EMPTY_GIVEN: Partial<SessionLimits> = {};
const resolvedLimits = /* @__PURE__ */ new OptionsCache<LimitDefaults, Readonly<SessionLimits>>();

/**
 * {@link resolveLimits} for a session: sessions made with the same protocol and the same limits
 * object (a server passes one to every connection) share one frozen result, about 160 bytes a
 * connection less. A limits object changed since is resolved again.
 */
export function sessionLimitsFor(
  protocol: LimitDefaults,
  given: Partial<SessionLimits> | undefined,
): Readonly<SessionLimits> {
  const key = given ?? EMPTY_GIVEN;
  return resolvedLimits.get(protocol, key, () => Object.freeze(resolveLimits(protocol, key)));
}
