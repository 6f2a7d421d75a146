import type { Metadata } from '../metadata.js';
import { SessionError } from '../session-error.js';
import { ClientError } from './client-error.js';

/** A message or request waiting for a connection. */
export interface Pending {
  readonly kind: 'send' | 'request';
  readonly type: number;
  /**
   * A copy of the value made when it was queued (encoded and decoded again), so that later changes
   * to the caller's object do not change what is sent, and an invalid value fails at the call.
   */
  readonly value: unknown;
  /** Encoded size (type header + payload), counted against the byte bound. */
  readonly size: number;
  /** For requests: settle the caller's promise. */
  resolve?(value: unknown): void;
  reject?(error: unknown): void;
  /** For requests: absolute time (Date.now()) after which it fails with `timeout`; 0 = none. */
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  /** The call's metadata and, for requests, its `onReplyMetadata` (sent along when it goes out). */
  readonly metadata?: Metadata | undefined;
  readonly onReplyMetadata?: ((metadata: Metadata) => void) | undefined;
  /** Detaches the timeout and abort listener. */
  cleanup?(): void;
}

/** Bounds of the {@link Outbox} (from the client's `maxQueuedMessages` and `maxQueuedBytes`). */
export interface OutboxLimits {
  /** Messages + requests. */
  readonly maxMessages: number;
  /** Encoded bytes. */
  readonly maxBytes: number;
}

/**
 * Messages and requests made while disconnected, in call order, bounded in count and bytes.
 * Nothing here was sent, so sending it after a reconnect cannot duplicate anything.
 */
export class Outbox {
  readonly #limits: OutboxLimits;
  #items: Pending[] = [];
  #bytes = 0;

  constructor(limits: OutboxLimits) {
    this.#limits = limits;
  }

  get size(): number {
    return this.#items.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Queues `item`, or throws `queue-full`. */
  add(item: Pending): void {
    const limits = this.#limits;
    if (this.#items.length >= limits.maxMessages || this.#bytes + item.size > limits.maxBytes) {
      throw new ClientError(
        'queue-full',
        `not connected and ${this.#items.length} messages (${this.#bytes} bytes) already wait for the connection ` +
          `(limits: ${limits.maxMessages} messages, ${limits.maxBytes} bytes)`,
      );
    }
    this.#items.push(item);
    this.#bytes += item.size;
  }

  /** Removes one item that gave up (timeout or abort); false if it was already taken. */
  remove(item: Pending): boolean {
    const index = this.#items.indexOf(item);
    if (index === -1) return false;
    this.#items.splice(index, 1);
    this.#bytes -= item.size;
    return true;
  }

  /** Takes everything, oldest first. */
  takeAll(): Pending[] {
    const items = this.#items;
    this.#items = [];
    this.#bytes = 0;
    return items;
  }

  /** Fails every queued request with `error` and drops the queued messages. */
  failAll(error: Error): void {
    for (const item of this.takeAll()) {
      item.cleanup?.();
      item.reject?.(error);
    }
  }
}

/** What the outbox needs of a protocol to copy a value. */
export interface SnapshotProtocol {
  messageByteLength(type: any, value: any): number;
  encodeMessageInto(type: any, value: any, target: Uint8Array, offset?: number): number;
  decodeMessage(bytes: Uint8Array, offset?: number, end?: number): { type: any; value: any };
}

/**
 * Copies a message value through its codec: validates it now (an `EncodeError` is thrown at the
 * call, as for a live connection) and detaches it from the caller's object.
 */
export function snapshot(
  protocol: SnapshotProtocol,
  type: number,
  value: unknown,
): { value: unknown; size: number } {
  const size = protocol.messageByteLength(type, value);
  const bytes = new Uint8Array(size);
  protocol.encodeMessageInto(type, value, bytes, 0);
  return { value: protocol.decodeMessage(bytes).value, size };
}

/** The error of a queued request whose timeout passed before a connection came back. */
export function queuedTimeoutError(type: number): SessionError {
  return new SessionError('timeout', `request of type ${type} timed out while waiting for a connection`);
}

/** The error of a queued request whose signal fired. */
export function queuedAbortError(type: number, reason: unknown): SessionError {
  return new SessionError('aborted', `request of type ${type} was aborted while waiting for a connection`, {
    cause: reason,
  });
}
