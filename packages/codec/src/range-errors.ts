import { DecodeError, EncodeError } from './errors.js';

/** The error for an encode offset that is not an integer within the target. */
export function encodeOffsetError(target: Uint8Array, offset: unknown): EncodeError {
  return new EncodeError(
    'invalid-range',
    `offset ${String(offset)} is not an integer in 0..${target.length}`,
  );
}

const PROBE = Symbol.for('@bp/codec/slab-probe');

/**
 * While `on`, {@link bufferTooSmall} throws {@link NO_ROOM_SIGNAL} instead of building an error:
 * `encode()` probes its slab this way, and an Error's stack trace costs microseconds. One record
 * per process, not per copy of this package (as the decode budget): a codec of one copy may run
 * writers compiled by another (an ESM and a CJS copy, or the browser entry and
 * `@bp/codec/generated` in one bundle), and their "no room" must reach the first copy's slab.
 * @internal
 */
export const probe: { on: boolean; readonly signal: object } = ((
  globalThis as { [PROBE]?: { on: boolean; readonly signal: object } }
)[PROBE] ??= { on: false, signal: Object.freeze({ noRoom: true }) });
/** @internal What a probe throws when the target has no room. */
export const NO_ROOM_SIGNAL: object = probe.signal;

/** The error for a target that cannot hold what is about to be written. */
export function bufferTooSmall(need: number, target: Uint8Array, p: number, path: string): EncodeError {
  if (probe.on) throw NO_ROOM_SIGNAL;
  return new EncodeError(
    'buffer-too-small',
    `needs ${need} bytes at offset ${p}, the target has ${Math.max(0, target.length - p)} left`,
    path,
  );
}

/** The error for decode bounds that do not lie inside the source. */
export function decodeRangeError(source: Uint8Array, offset: unknown, end: unknown): DecodeError {
  return new DecodeError(
    'invalid-range',
    `range ${String(offset)}..${String(end)} is not inside the ${source.length}-byte source`,
    '',
    typeof offset === 'number' ? offset : 0,
  );
}

/** True for integer offsets with 0 <= offset <= limit. */
export function isOffset(offset: unknown, limit: number): offset is number {
  return typeof offset === 'number' && offset >>> 0 === offset && offset <= limit;
}
