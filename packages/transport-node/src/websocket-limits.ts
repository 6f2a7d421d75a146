import { DEFAULT_MAX_PAYLOAD } from '@bp/codec';

/**
 * The largest WebSocket message a bp peer may send to a receiver whose payload limit is
 * `maxPayloadSize`: one frame of the largest kind (PROTOCOL.md section 3.2). A sender that puts
 * several frames in one message keeps that message at or below 65,540 bytes, which this allows.
 */
export function maxWebSocketPayload(maxPayloadSize: number, headerSize: number): number {
  return 4 + Math.max(65_536, 4 + headerSize + maxPayloadSize);
}

/**
 * How many of the largest messages the endpoint accepts (its `maxPayload`) the default read-ahead
 * holds while frames wait for credit. The socket cannot be paused then: the `CREDIT` that
 * releases them is queued behind whatever the client sent before it (a client with 16 x 1 MiB
 * requests in flight sends its credit after them). Past the read-ahead the connection is closed
 * with `slow-consumer` instead of stalling.
 */
export const READ_AHEAD_MESSAGES = 32;

/** The default `maxReadAhead` of a transport whose largest accepted message is `maxPayload` bytes. */
export function defaultReadAhead(maxPayload: number): number {
  return READ_AHEAD_MESSAGES * maxPayload;
}

/** The read-ahead for the default `maxPayloadSize` and type header ('>H', 2 bytes). */
export const DEFAULT_READ_AHEAD = defaultReadAhead(maxWebSocketPayload(DEFAULT_MAX_PAYLOAD, 2));
