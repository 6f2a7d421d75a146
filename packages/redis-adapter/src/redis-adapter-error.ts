import { BpError, type BpErrorOptions } from '@bp/codec';

/** Stable codes of {@link RedisAdapterError}. */
export type RedisAdapterErrorCode =
  /** A message from Redis is larger than the configured limits allow (dropped, counted). */
  | 'message-too-large'
  /** A message from Redis is not an envelope of this adapter's format (dropped, counted). */
  | 'malformed-envelope'
  /** A message from Redis was published by a server of another protocol (schema fingerprint differs). */
  | 'protocol-mismatch'
  /** The frame inside an envelope is not a valid MESSAGE frame of the protocol (dropped, counted). */
  | 'invalid-frame'
  /** A broadcast could not be published (Redis not connected, too many publishes pending, or PUBLISH failed). */
  | 'publish-failed'
  /** The subscriber connection to Redis failed (node-redis reconnects by itself). */
  | 'redis-error';

/**
 * An error of `@bp/redis-adapter`, reported through the adapter's `onError` (the adapter never
 * throws into the broadcast path): what was wrong, in which message or operation.
 */
export class RedisAdapterError extends BpError {
  static override readonly brand: string = '@bp/redis-adapter:RedisAdapterError';
  declare readonly code: RedisAdapterErrorCode;

  constructor(code: RedisAdapterErrorCode, message: string, options?: BpErrorOptions) {
    super(code, message, options);
  }
}

/** True when `value` is a {@link RedisAdapterError} from any copy of this package. */
export function isRedisAdapterError(value: unknown): value is RedisAdapterError {
  return value instanceof RedisAdapterError;
}
