import { type LimitDefaults, resolveLimits, type SessionLimits } from '@bp/session';

/**
 * The default hard ceiling of bytes queued inside one socket, derived from the session's limits.
 *
 * A session hands the socket what it has queued only while the socket's `write` keeps returning
 * true, so one hand-over is at most its whole queue: `maxBufferedBytes` plus the call that took it
 * over (a frame of up to `maxPayloadSize`, with a METADATA frame of up to `maxMetadataSize` before
 * it, and their headers). At close it hands over the rest whatever the socket holds, so the ceiling
 * allows two such hand-overs, plus the socket's own high-water mark. Below it, only a peer that
 * does not read can fill a socket; at the defaults (1 MiB payloads, 8 MiB session cap) it is about
 * 18 MiB.
 */
export function socketCeiling(protocol: LimitDefaults, given: Partial<SessionLimits> | undefined): number {
  const limits = resolveLimits(protocol, given);
  const largestCall = limits.maxPayloadSize + limits.maxMetadataSize + FRAME_OVERHEAD;
  return 2 * (limits.maxBufferedBytes + largestCall) + SOCKET_HIGH_WATER_MARK;
}

/** Headers of a typed frame and of the METADATA frame before it, rounded up. */
const FRAME_OVERHEAD = 64;

/** The write high-water mark of Node's sockets (`net.Socket` default `writableHighWaterMark`). */
export const SOCKET_HIGH_WATER_MARK = 16 * 1024;
