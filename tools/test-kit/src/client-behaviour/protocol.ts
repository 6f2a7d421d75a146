import { ProtocolConfig, string, struct, u32 } from '@bp/codec';

/** Message types of the shared client behaviour suite. */
export enum BehaviourType {
  /** Request: `{ key }` -> VALUE `{ key, value: expectedValue(key) }`. */
  GET = 1,
  VALUE = 2,
  /** One-way client -> server, counted in order. */
  NOTE = 3,
  /** Request: what the server counted (and reset when `reset` is 1). */
  COUNT = 4,
  COUNTED = 5,
  /** Request: subscribe to `topic`; the reply says which server generation answered. */
  SUBSCRIBE = 6,
  SUBSCRIBED = 7,
  /** One-way server -> client, sent to every subscriber of `topic`. */
  PUSH = 8,
  /** Request the server holds for `ms` (or until its connection closes): one that is in flight. */
  HOLD = 9,
  HELD = 10,
}

/** The protocol of the shared client behaviour suite. */
export const behaviourProtocol = new ProtocolConfig({
  messageTypeEnum: BehaviourType,
  messageStructures: {
    [BehaviourType.GET]: struct({ key: string() }),
    [BehaviourType.VALUE]: struct({ key: string(), value: u32 }),
    [BehaviourType.NOTE]: struct({ seq: u32 }),
    [BehaviourType.COUNT]: struct({ reset: u32 }),
    [BehaviourType.COUNTED]: struct({ received: u32, checksum: u32, outOfOrder: u32 }),
    [BehaviourType.SUBSCRIBE]: struct({ topic: string() }),
    [BehaviourType.SUBSCRIBED]: struct({ topic: string(), generation: u32 }),
    [BehaviourType.PUSH]: struct({ topic: string(), seq: u32, generation: u32 }),
    [BehaviourType.HOLD]: struct({ ms: u32 }),
    [BehaviourType.HELD]: struct({ ms: u32 }),
  },
  responses: {
    [BehaviourType.GET]: BehaviourType.VALUE,
    [BehaviourType.COUNT]: BehaviourType.COUNTED,
    [BehaviourType.SUBSCRIBE]: BehaviourType.SUBSCRIBED,
    [BehaviourType.HOLD]: BehaviourType.HELD,
  },
});

/** The type of {@link behaviourProtocol}. */
export type BehaviourProtocol = typeof behaviourProtocol;
