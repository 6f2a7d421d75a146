import { f32, ProtocolConfig, struct, u32 } from '@bp/codec';

/** The one message of the broadcast benchmark: 16 bytes of payload (a sequence number and three readings). */
export enum BroadcastType {
  TICK = 1,
}

function makeBroadcastProtocol() {
  return new ProtocolConfig({
    messageTypeEnum: BroadcastType,
    messageStructures: { [BroadcastType.TICK]: struct({ seq: u32, a: f32, b: f32, c: f32 }) },
  });
}
let made: ReturnType<typeof makeBroadcastProtocol> | undefined;

/**
 * The broadcast benchmark's protocol, made on first use. Every benchmark child process loads this
 * module (it is part of cli.js); a protocol made at load would compile a struct codec in each of
 * them, the codec suite's child too, before the suite's own codecs (the closures engine hands out
 * its unrolled struct sites first come, first served).
 */
export function broadcastProtocol(): ReturnType<typeof makeBroadcastProtocol> {
  made ??= makeBroadcastProtocol();
  return made;
}

/** The value broadcast as message `seq` (the same shape for every alternative). */
export function tick(seq: number): { seq: number; a: number; b: number; c: number } {
  return { seq, a: 21.5, b: 0.25, c: seq % 100 };
}

/** The alternatives the broadcast benchmark compares. */
export const BROADCAST_COMPETITORS = ['bp', 'socket.io', 'ws-msgpackr'] as const;
export type BroadcastCompetitor = (typeof BROADCAST_COMPETITORS)[number];

/** Messages one broadcast round sends before yielding to the event loop (so output is flushed as it goes). */
export const BROADCAST_BATCH = 64;
