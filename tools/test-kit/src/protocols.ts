// The protocols the tests of every package speak. Each is declared once here, so a session test,
// a TCP test and a browser test that use the same name use the same schema.
import { bytes, f32, f64, i32, ProtocolConfig, string, struct, u16, u32 } from '@bp/codec';

/** The example protocol of docs/PROTOCOL.md section 4 (the wire vectors are written against it). */
export enum ExampleType {
  POSITION = 1,
  GET = 2,
  VALUE = 3,
}

/** The protocol of docs/PROTOCOL.md section 4. */
export const exampleProtocol = new ProtocolConfig({
  messageTypeEnum: ExampleType,
  messageStructures: {
    [ExampleType.POSITION]: struct({ x: f32, y: f32 }),
    [ExampleType.GET]: struct({ key: u32 }),
    [ExampleType.VALUE]: struct({ key: u32, value: i32 }),
  },
  responses: { [ExampleType.GET]: ExampleType.VALUE },
});

/** Message types of the session tests: requests both ways, strings, a slow request. */
export enum SessionType {
  NOTE = 1,
  ECHO = 2,
  ECHO_REPLY = 3,
  ADD = 4,
  SUM = 5,
  TICK = 6,
  ASK = 7,
  ANSWER = 8,
}

/** The protocol of the session tests. */
export const sessionProtocol = new ProtocolConfig({
  messageTypeEnum: SessionType,
  messageStructures: {
    [SessionType.NOTE]: struct({ text: string() }),
    [SessionType.ECHO]: struct({ text: string(), delay: u32 }),
    [SessionType.ECHO_REPLY]: struct({ text: string() }),
    [SessionType.ADD]: struct({ a: i32, b: i32 }),
    [SessionType.SUM]: struct({ sum: i32 }),
    [SessionType.TICK]: struct({ n: u32 }),
    [SessionType.ASK]: struct({ question: string() }),
    [SessionType.ANSWER]: struct({ answer: string() }),
  },
  responses: {
    [SessionType.ECHO]: SessionType.ECHO_REPLY,
    [SessionType.ADD]: SessionType.SUM,
    [SessionType.ASK]: SessionType.ANSWER,
  },
});

/** The type of {@link sessionProtocol}. */
export type SessionProtocol = typeof sessionProtocol;

/** Message types of the TCP/TLS/WebSocket server tests: lookups, blobs, slow and server-sent requests. */
export enum TransportType {
  GET = 1,
  VALUE = 2,
  SENSOR_DATA = 3,
  STATUS = 4,
  BLOB = 5,
  BLOB_ACK = 6,
  SLOW = 7,
  SLOW_DONE = 8,
  ASK_CLIENT = 9,
  CLIENT_ANSWER = 10,
  WHOAMI = 11,
  IDENTITY = 12,
  FLOOD = 13,
}

const transportStructures = {
  [TransportType.GET]: struct({ key: string() }),
  [TransportType.VALUE]: struct({ key: string(), value: u32 }),
  [TransportType.SENSOR_DATA]: struct({ seq: u32, time: f64, x: f32, y: f32, z: f32 }),
  [TransportType.STATUS]: struct({ code: u16, text: string() }),
  [TransportType.BLOB]: struct({ data: bytes() }),
  [TransportType.BLOB_ACK]: struct({ size: u32, checksum: u32 }),
  [TransportType.SLOW]: struct({ ms: u32 }),
  [TransportType.SLOW_DONE]: struct({ ms: u32 }),
  [TransportType.ASK_CLIENT]: struct({ question: string() }),
  [TransportType.CLIENT_ANSWER]: struct({ answer: string() }),
  [TransportType.WHOAMI]: struct({}),
  [TransportType.IDENTITY]: struct({ principal: string() }),
  [TransportType.FLOOD]: struct({ count: u32, size: u32 }),
};

const transportResponses = {
  [TransportType.GET]: TransportType.VALUE,
  [TransportType.BLOB]: TransportType.BLOB_ACK,
  [TransportType.SLOW]: TransportType.SLOW_DONE,
  [TransportType.ASK_CLIENT]: TransportType.CLIENT_ANSWER,
  [TransportType.WHOAMI]: TransportType.IDENTITY,
  [TransportType.FLOOD]: TransportType.SLOW_DONE,
} as const;

/** The protocol of the transport server tests (both sides). */
export const transportProtocol = new ProtocolConfig({
  messageTypeEnum: TransportType,
  messageStructures: transportStructures,
  responses: transportResponses,
});

/**
 * {@link transportProtocol} with VALUE.value as a string: a server must refuse it as
 * schema-mismatch, with schema resolution too (rule `type-changed`, path `value`).
 */
export const mismatchedTransportProtocol = new ProtocolConfig({
  messageTypeEnum: TransportType,
  messageStructures: {
    ...transportStructures,
    [TransportType.VALUE]: struct({ key: string(), value: string() }),
  },
  responses: transportResponses,
});

/** The type of {@link transportProtocol}. */
export type TransportProtocol = typeof transportProtocol;

/** Message types of the client tests: ingest streams, subscriptions, pushes, large replies. */
export enum StreamType {
  GET = 1,
  VALUE = 2,
  SENSOR_DATA = 3,
  INGEST = 4,
  STATS = 5,
  STATS_REPLY = 6,
  SUBSCRIBE = 7,
  SUBSCRIBED = 8,
  PUSH = 9,
  STREAM = 10,
  STREAM_DONE = 11,
  BLOB = 12,
}

const streamStructures = {
  [StreamType.GET]: struct({ key: string() }),
  [StreamType.VALUE]: struct({ key: string(), value: u32 }),
  [StreamType.SENSOR_DATA]: struct({ seq: u32, sensor1: f32, sensor2: f32 }),
  [StreamType.INGEST]: struct({ seq: u32, payload: bytes() }),
  [StreamType.STATS]: struct({ reset: u32 }),
  [StreamType.STATS_REPLY]: struct({ received: u32, checksum: u32, outOfOrder: u32 }),
  [StreamType.SUBSCRIBE]: struct({ topic: string() }),
  [StreamType.SUBSCRIBED]: struct({ topic: string(), generation: u32 }),
  [StreamType.PUSH]: struct({ topic: string(), seq: u32, generation: u32 }),
  [StreamType.STREAM]: struct({ count: u32, size: u32 }),
  [StreamType.STREAM_DONE]: struct({ count: u32 }),
  [StreamType.BLOB]: struct({ seq: u32, data: bytes() }),
};

const streamResponses = {
  [StreamType.GET]: StreamType.VALUE,
  [StreamType.STATS]: StreamType.STATS_REPLY,
  [StreamType.SUBSCRIBE]: StreamType.SUBSCRIBED,
  [StreamType.STREAM]: StreamType.STREAM_DONE,
} as const;

/** The protocol of the client tests (Node and browser runs). */
export const streamProtocol = new ProtocolConfig({
  messageTypeEnum: StreamType,
  messageStructures: streamStructures,
  responses: streamResponses,
});

/** {@link streamProtocol} with VALUE.value as a string: the server must reject it (`type-changed`). */
export const mismatchedStreamProtocol = new ProtocolConfig({
  messageTypeEnum: StreamType,
  messageStructures: { ...streamStructures, [StreamType.VALUE]: struct({ key: string(), value: string() }) },
  responses: streamResponses,
});

/** The type of {@link streamProtocol}. */
export type StreamProtocol = typeof streamProtocol;

/** What the test servers answer to GET: a hash of the key, so each reply can be checked. */
export function expectedValue(key: string): number {
  let sum = 0;
  for (let i = 0; i < key.length; i++) sum = (sum * 31 + key.charCodeAt(i)) >>> 0;
  return sum;
}

/** A checksum of a byte array (what BLOB_ACK carries). */
export function checksum(data: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum = (sum * 33 + data[i]) >>> 0;
  return sum;
}

/** The token the test servers accept. */
export const TOKEN = 'secret';
