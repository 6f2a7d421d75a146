import { randomBytes } from 'node:crypto';
import { type SessionProtocol, schemaFingerprint } from '@bp/session';
import { FRAME_HEADER_SIZE } from '@bp/session/wire';
import {
  type BroadcastTarget,
  type EncodedMessage,
  type Rooms,
  type RoomsAdapter,
  readEncodedMessage,
} from '@bp/transport-node';
import {
  decodeEnvelope,
  type EnvelopeLimits,
  encodeEnvelope,
  FINGERPRINT_SIZE,
  SENDER_ID_SIZE,
} from './envelope.js';
import { RedisAdapterError } from './redis-adapter-error.js';

/**
 * What the adapter needs of a node-redis client (`createClient()` of the `redis` package, v5 or
 * later): `publish` with a Buffer, `isReady`, and `duplicate()` for the subscriber connection.
 */
export interface RedisClientLike {
  readonly isReady: boolean;
  publish(channel: string, message: Buffer): Promise<unknown>;
  duplicate(): RedisSubscriberLike;
}

/** The subscriber side of a node-redis client (what `duplicate()` returns). */
export interface RedisSubscriberLike {
  readonly isReady: boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  connect(): Promise<unknown>;
  subscribe(
    channel: string,
    listener: (message: Buffer, channel: Buffer) => void,
    bufferMode: true,
  ): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): void;
}

/** Options of {@link createRedisAdapter}. */
export interface RedisAdapterOptions {
  /**
   * A connected node-redis client, used for `PUBLISH` (it may serve other commands too). The
   * adapter opens its own subscriber connection with `client.duplicate()` and closes it on
   * `close()`; the client itself stays the caller's.
   */
  client: RedisClientLike;
  /** The Redis channel every server of this cluster uses. Default `'bp:rooms'`. */
  channel?: string;
  /**
   * Most rooms in one broadcast that crosses Redis, and most `exceptRooms` (bigger ones are not
   * published). Default 64.
   */
  maxRooms?: number;
  /**
   * Most `PUBLISH` commands waiting for Redis' answer; past it broadcasts are not published (and
   * counted), so a stalled Redis never makes this process buffer without bound. Default 1024.
   */
  maxPendingPublishes?: number;
  /** Receives every failure, typed (the adapter never throws into `broadcast`). */
  onError?: (error: RedisAdapterError) => void;
}

/** Counters of a {@link RedisAdapter} since it started. */
export interface RedisAdapterStats {
  /** Broadcasts published to Redis. */
  readonly published: number;
  /** Broadcasts not published: Redis was not connected, too many publishes pending, or PUBLISH failed. */
  readonly publishFailed: number;
  /** Messages received from other servers and delivered to the local members. */
  readonly received: number;
  /** Messages from Redis dropped as invalid (too large, malformed, other protocol, bad frame). */
  readonly dropped: number;
  /** Times the subscriber connection became ready again after losing Redis. */
  readonly reconnects: number;
}

const DEFAULT_CHANNEL = 'bp:rooms';
const DEFAULT_MAX_ROOMS = 64;
const DEFAULT_MAX_PENDING = 1024;

/**
 * Makes `server.rooms` span every bp server on one Redis: a broadcast on any server reaches the
 * members of its rooms on every server, once each. Created by {@link createRedisAdapter}.
 *
 * How: every server subscribes to one channel. A broadcast is delivered to the local members
 * first, then published as one envelope holding the already-encoded frame (so it is encoded once,
 * on the sending server); every other server checks it against its own limits and protocol and
 * writes the same bytes to its members. The sender skips its own envelopes (by a random id),
 * which is what makes delivery exactly once per member while Redis is up.
 *
 * Joins and leaves stay local: nothing about membership crosses Redis, so servers come and go
 * freely. While Redis is unreachable, local delivery goes on; broadcasts published in that gap are
 * not sent (counted in `publishFailed`), and messages other servers published while this server's
 * subscriber was disconnected are lost (Redis pub/sub keeps nothing). node-redis reconnects and
 * resubscribes by itself; delivery resumes then.
 *
 * Leaving members out: `except` names session objects, which are the sending server's own, so
 * its local delivery skips them and nothing needs to cross Redis. `exceptRooms` (room names)
 * travels in the envelope and every server skips its own members of those rooms: to leave out a
 * connection wherever it is connected, let it join a room of its own (`user:<id>`) and name that.
 */
export class RedisAdapter<P extends SessionProtocol = SessionProtocol> implements RoomsAdapter {
  /** The random id of this server in envelopes (16 bytes, hex). */
  readonly serverId: string;
  readonly #rooms: Rooms<P>;
  readonly #client: RedisClientLike;
  readonly #subscriber: RedisSubscriberLike;
  readonly #channel: string;
  readonly #sender: Uint8Array;
  readonly #fingerprint: Uint8Array;
  readonly #limits: EnvelopeLimits;
  readonly #maxPending: number;
  readonly #onError: (error: RedisAdapterError) => void;
  #removeAdapter: (() => void) | undefined;
  #pending = 0;
  #closed = false;
  #wasReady = false;
  readonly #counts = { published: 0, publishFailed: 0, received: 0, dropped: 0, reconnects: 0 };

  /** Use {@link createRedisAdapter}. @internal */
  constructor(rooms: Rooms<P>, subscriber: RedisSubscriberLike, options: RedisAdapterOptions) {
    this.#rooms = rooms;
    this.#client = options.client;
    this.#subscriber = subscriber;
    this.#channel = options.channel ?? DEFAULT_CHANNEL;
    this.#sender = new Uint8Array(randomBytes(SENDER_ID_SIZE));
    this.serverId = Buffer.from(this.#sender).toString('hex');
    this.#fingerprint = schemaFingerprint(rooms.protocol.describe()).fingerprint.subarray(
      0,
      FINGERPRINT_SIZE,
    );
    this.#limits = {
      maxRooms: options.maxRooms ?? DEFAULT_MAX_ROOMS,
      maxRoomNameLength: rooms.maxRoomNameLength,
      maxFrameSize: FRAME_HEADER_SIZE + rooms.protocol.headerSize + rooms.maxPayloadSize,
    };
    this.#maxPending = options.maxPendingPublishes ?? DEFAULT_MAX_PENDING;
    this.#onError = options.onError ?? (() => {});
  }

  /** @internal Subscribes and installs the adapter on the rooms. */
  async start(): Promise<void> {
    const subscriber = this.#subscriber;
    subscriber.on('error', (error) =>
      this.#report(
        new RedisAdapterError('redis-error', `Redis subscriber: ${error.message}`, { cause: error }),
      ),
    );
    subscriber.on('ready', () => {
      if (this.#wasReady) this.#counts.reconnects++;
      this.#wasReady = true;
    });
    await subscriber.connect();
    await subscriber.subscribe(this.#channel, (message) => this.#receive(message), true);
    this.#removeAdapter = this.#rooms.useAdapter(this);
  }

  /** Whether the subscriber connection is up (broadcasts from other servers arrive). */
  get ready(): boolean {
    return this.#subscriber.isReady && !this.#closed;
  }

  /** Counters since start. */
  stats(): RedisAdapterStats {
    return { ...this.#counts };
  }

  /** Called by `rooms.broadcast` after local delivery: publishes the frame for the other servers. */
  publish(message: EncodedMessage, target: BroadcastTarget): void {
    if (this.#closed) return;
    const rooms = target.rooms;
    if (rooms !== undefined && rooms.length > this.#limits.maxRooms) {
      this.#publishFailed(`a broadcast to ${rooms.length} rooms exceeds maxRooms ${this.#limits.maxRooms}`);
      return;
    }
    const exceptRooms = target.exceptRooms;
    if (exceptRooms !== undefined && exceptRooms.length > this.#limits.maxRooms) {
      this.#publishFailed(
        `a broadcast leaving out ${exceptRooms.length} rooms exceeds maxRooms ${this.#limits.maxRooms}`,
      );
      return;
    }
    if (!this.#client.isReady) {
      // node-redis would queue the command until it reconnects (without bound): refuse instead.
      this.#publishFailed('Redis is not connected; the broadcast reached this server only');
      return;
    }
    if (this.#pending >= this.#maxPending) {
      this.#publishFailed(`${this.#pending} publishes are waiting for Redis (maxPendingPublishes)`);
      return;
    }
    const bytes = encodeEnvelope({
      sender: this.#sender,
      fingerprint: this.#fingerprint,
      volatile: target.volatile,
      rooms,
      exceptRooms,
      frame: message.frame,
    });
    this.#pending++;
    this.#client.publish(this.#channel, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)).then(
      () => {
        this.#pending--;
        this.#counts.published++;
      },
      (error: unknown) => {
        this.#pending--;
        this.#publishFailed(`PUBLISH failed: ${(error as Error)?.message ?? String(error)}`, error);
      },
    );
  }

  /** Uninstalls the adapter from the rooms and closes the subscriber connection (not the client). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#removeAdapter?.();
    try {
      if (this.#subscriber.isReady) {
        await this.#subscriber.unsubscribe(this.#channel);
        await this.#subscriber.close();
      } else this.#subscriber.destroy();
    } catch {
      this.#subscriber.destroy();
    }
  }

  #receive(message: Buffer): void {
    if (this.#closed) return;
    let envelope: ReturnType<typeof decodeEnvelope>;
    try {
      envelope = decodeEnvelope(message, this.#limits);
    } catch (error) {
      this.#drop(error as RedisAdapterError);
      return;
    }
    if (equalBytes(envelope.sender, this.#sender)) return;
    if (!equalBytes(envelope.fingerprint, this.#fingerprint)) {
      this.#drop(
        new RedisAdapterError(
          'protocol-mismatch',
          `Redis message from server ${Buffer.from(envelope.sender).toString('hex')} is for another protocol (schema fingerprint differs)`,
        ),
      );
      return;
    }
    let encoded: EncodedMessage;
    try {
      encoded = readEncodedMessage(this.#rooms.protocol, envelope.frame, this.#rooms.maxPayloadSize);
    } catch (error) {
      this.#drop(
        new RedisAdapterError(
          'invalid-frame',
          `Redis message carries an invalid frame: ${(error as Error).message}`,
          {
            cause: error,
          },
        ),
      );
      return;
    }
    this.#counts.received++;
    this.#rooms.deliver(encoded, {
      rooms: envelope.rooms,
      volatile: envelope.volatile,
      exceptRooms: envelope.exceptRooms,
    });
  }

  #drop(error: RedisAdapterError): void {
    this.#counts.dropped++;
    this.#report(error);
  }

  #publishFailed(message: string, cause?: unknown): void {
    this.#counts.publishFailed++;
    this.#report(new RedisAdapterError('publish-failed', message, { cause }));
  }

  #report(error: RedisAdapterError): void {
    try {
      this.#onError(error);
    } catch {
      // A reporting bug must not break delivery.
    }
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Connects rooms to Redis: subscribes a duplicate of `options.client` to the channel and
 * installs the adapter on `rooms` (`server.rooms`). Resolves once subscribed.
 *
 * ```ts
 * const redis = await createClient({ url }).connect();
 * const adapter = await createRedisAdapter(server.rooms, { client: redis });
 * server.rooms.broadcast(MessageType.STATUS, { text: 'hi' }, { to: 'lobby' }); // every server
 * ```
 */
export async function createRedisAdapter<P extends SessionProtocol>(
  rooms: Rooms<P>,
  options: RedisAdapterOptions,
): Promise<RedisAdapter<P>> {
  const adapter = new RedisAdapter(rooms, options.client.duplicate(), options);
  await adapter.start();
  return adapter;
}
