/**
 * `@bp/redis-adapter`: rooms and broadcast of `@bp/transport-node` across many server processes,
 * through Redis pub/sub (node-redis).
 * @packageDocumentation
 */
export {
  decodeEnvelope,
  ENVELOPE_HEADER_SIZE,
  ENVELOPE_VERSION,
  type Envelope,
  type EnvelopeLimits,
  encodeEnvelope,
  maxEnvelopeSize,
} from './envelope.js';
export {
  createRedisAdapter,
  RedisAdapter,
  type RedisAdapterOptions,
  type RedisAdapterStats,
  type RedisClientLike,
  type RedisSubscriberLike,
} from './redis-adapter.js';
export { isRedisAdapterError, RedisAdapterError, type RedisAdapterErrorCode } from './redis-adapter-error.js';
