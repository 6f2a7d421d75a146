/**
 * The demo's protocol: every message the server, the dashboard and the CLI exchange, defined once
 * with @bp/codec. This module is imported by all three (and bundled into the dashboard), so it
 * must not import anything from Node.
 */
import {
  array,
  bool,
  f32,
  f64,
  type Infer,
  optional,
  ProtocolConfig,
  string,
  struct,
  u8,
  u32,
  withDefault,
} from '@bp/codec';

/**
 * Message type numbers. SENSOR_DATA and STATUS keep the numbers of the seed article's example;
 * each request type is followed by the type of its reply.
 */
export enum DemoMessage {
  SENSOR_DATA = 1,
  STATUS = 2,
  ECHO = 3,
  ECHO_REPLY = 4,
  KV_SET = 10,
  KV_SET_RESULT = 11,
  KV_GET = 12,
  KV_GET_RESULT = 13,
  KV_DEL = 14,
  KV_DEL_RESULT = 15,
  KV_LIST = 16,
  KV_LIST_RESULT = 17,
  KV_WATCH = 18,
  KV_WATCH_RESULT = 19,
  KV_UNWATCH = 20,
  KV_UNWATCH_RESULT = 21,
  /** Pushed by the server when a watched key changes. */
  KV_CHANGED = 22,
  SENSOR_SUBSCRIBE = 30,
  SENSOR_SUBSCRIBED = 31,
  SENSOR_UNSUBSCRIBE = 32,
  SENSOR_UNSUBSCRIBED = 33,
}

/** Longest key, in UTF-8 bytes (LMDB's own ceiling is 1978). */
export const MAX_KEY_BYTES = 512;
/** Longest value, in UTF-8 bytes. */
export const MAX_VALUE_BYTES = 64 * 1024;
/** Most entries one LIST returns. */
export const MAX_LIST_LIMIT = 1000;

/**
 * Four sensor values as in the seed article, plus who measured them and when: `source` is
 * `sim-<server>` for the server's simulator, or whatever name a publishing client chose.
 *
 * Version 2 of the demo's schema added `battery` (with a default): a client built with version
 * 1 still connects, its readings arrive here with `battery: 100`, and it reads the readings the
 * server pushes without the field (the handshake resolves the two schemas; README, "Upgrading
 * the schema"). `test/fixtures/demo-protocol-v1.ts` keeps version 1.
 */
export const SensorData = struct({
  sensor1: f32,
  sensor2: f32,
  sensor3: f32,
  sensor4: f32,
  source: string(),
  /** Milliseconds since the Unix epoch. */
  timestamp: f64,
  /** Charge left in percent (0-100); readings from version 1 clients, which lack it, read 100. */
  battery: withDefault(u8, 100),
});
export type SensorData = Infer<typeof SensorData>;

/** A server event, as in the seed article: an HTTP-like code and a human message. */
export const Status = struct({ statusCode: u32, message: string() });
export type Status = Infer<typeof Status>;

/** The seed article's first example: the server sends the message back. */
export const Echo = struct({ message: string() });

const Key = struct({ key: string() });
export const KvSet = struct({ key: string(), value: string() });
export const KvSetResult = struct({ created: bool });
export const KvGetResult = struct({ value: optional(string()) });
export const KvDelResult = struct({ deleted: bool });
/**
 * Keys starting with `prefix`, at most `limit`; `after` (the last key of the previous page) pages
 * on. A page also ends before it would outgrow the client's `maxPayloadSize` (then `more` is set
 * with fewer than `limit` entries): read on with `after`.
 */
export const KvList = struct({ prefix: string(), limit: u32, after: optional(string()) });
export const KvEntry = struct({ key: string(), value: string() });
export const KvListResult = struct({ entries: array(KvEntry), more: bool });
/** Watch one key, or (`prefix: true`) every key starting with `key`. */
export const KvWatch = struct({ key: string(), prefix: bool });
/** The watched key's current value (for a prefix watch: none), and how many watches this connection holds. */
export const KvWatchResult = struct({ value: optional(string()), watches: u32 });
export const KvUnwatchResult = struct({ watches: u32 });
/** A watched key changed: its new value, or no value after DEL. */
export const KvChanged = struct({ key: string(), value: optional(string()) });
export type KvChanged = Infer<typeof KvChanged>;

/** Subscribe to SENSOR_DATA, and (`status: true`) to STATUS events too. */
export const SensorSubscribe = struct({ status: bool });
/** The simulator's source name and rate, so a chart can pick the simulated series out. */
export const SensorSubscribed = struct({ source: string(), rate: f32 });
const Empty = struct({});

/** The demo protocol: types, shapes and which reply answers which request. */
export const demoProtocol = new ProtocolConfig({
  messageTypeEnum: DemoMessage,
  messageStructures: {
    [DemoMessage.SENSOR_DATA]: SensorData,
    [DemoMessage.STATUS]: Status,
    [DemoMessage.ECHO]: Echo,
    [DemoMessage.ECHO_REPLY]: Echo,
    [DemoMessage.KV_SET]: KvSet,
    [DemoMessage.KV_SET_RESULT]: KvSetResult,
    [DemoMessage.KV_GET]: Key,
    [DemoMessage.KV_GET_RESULT]: KvGetResult,
    [DemoMessage.KV_DEL]: Key,
    [DemoMessage.KV_DEL_RESULT]: KvDelResult,
    [DemoMessage.KV_LIST]: KvList,
    [DemoMessage.KV_LIST_RESULT]: KvListResult,
    [DemoMessage.KV_WATCH]: KvWatch,
    [DemoMessage.KV_WATCH_RESULT]: KvWatchResult,
    [DemoMessage.KV_UNWATCH]: KvWatch,
    [DemoMessage.KV_UNWATCH_RESULT]: KvUnwatchResult,
    [DemoMessage.KV_CHANGED]: KvChanged,
    [DemoMessage.SENSOR_SUBSCRIBE]: SensorSubscribe,
    [DemoMessage.SENSOR_SUBSCRIBED]: SensorSubscribed,
    [DemoMessage.SENSOR_UNSUBSCRIBE]: Empty,
    [DemoMessage.SENSOR_UNSUBSCRIBED]: Empty,
  },
  responses: {
    [DemoMessage.ECHO]: DemoMessage.ECHO_REPLY,
    [DemoMessage.KV_SET]: DemoMessage.KV_SET_RESULT,
    [DemoMessage.KV_GET]: DemoMessage.KV_GET_RESULT,
    [DemoMessage.KV_DEL]: DemoMessage.KV_DEL_RESULT,
    [DemoMessage.KV_LIST]: DemoMessage.KV_LIST_RESULT,
    [DemoMessage.KV_WATCH]: DemoMessage.KV_WATCH_RESULT,
    [DemoMessage.KV_UNWATCH]: DemoMessage.KV_UNWATCH_RESULT,
    [DemoMessage.SENSOR_SUBSCRIBE]: DemoMessage.SENSOR_SUBSCRIBED,
    [DemoMessage.SENSOR_UNSUBSCRIBE]: DemoMessage.SENSOR_UNSUBSCRIBED,
  },
});

/** The demo protocol's type, for `connect<DemoProtocol>` and handler maps. */
export type DemoProtocol = typeof demoProtocol;

/**
 * The demo's error codes, in the range bp leaves to applications (1000-65535). A failed request
 * arrives at the client as a SessionError whose `wireCode` is one of these.
 */
export const DemoErrorCode = {
  'invalid-key': 1001,
  'invalid-value': 1002,
  'invalid-limit': 1003,
  'invalid-reading': 1004,
  'too-many-watches': 1005,
  'store-unavailable': 1006,
  'too-large': 1007,
} as const;
export type DemoErrorName = keyof typeof DemoErrorCode;

/** The name of a demo error code, or undefined for any other code. */
export function demoErrorName(wireCode: number | undefined): DemoErrorName | undefined {
  for (const [name, code] of Object.entries(DemoErrorCode))
    if (code === wireCode) return name as DemoErrorName;
  return undefined;
}

/** Fan-out topics (in-process or Redis channels). */
export const SENSOR_TOPIC = 'sensors';
export const STATUS_TOPIC = 'status';

/** STATUS codes the server sends. */
export const StatusCode = {
  /** A client connected or the server started. */
  HELLO: 200,
  /** A client published readings for the first time. */
  PUBLISHER: 201,
  /** A client left. */
  GOODBYE: 410,
  /** The server is shutting down. */
  SHUTDOWN: 503,
} as const;
