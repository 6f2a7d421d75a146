import type { SessionTransport, TransportSink } from './types.js';

/** Options of {@link createMemoryTransportPair}. */
export interface MemoryTransportOptions {
  /** Bytes in flight towards the peer above which `write` returns false. Default 64 KiB. */
  highWaterMark?: number;
  /** How delivery is scheduled: a microtask (default) or a macrotask (`setTimeout(0)`). */
  delivery?: 'microtask' | 'macrotask';
  /** Copy written chunks before delivering them, like a real network would (default true). */
  copy?: boolean;
}

/**
 * One end of an in-memory connection. Chunks written here are delivered to the other end's sink
 * asynchronously, in order; `pause()` on the receiving end stops delivery (the writer's buffered
 * bytes then grow and `write` returns false), so tests can play a slow reader.
 */
export class MemoryTransport implements SessionTransport {
  #peer!: MemoryTransport;
  #sink: TransportSink | undefined;
  readonly #highWaterMark: number;
  readonly #macrotask: boolean;
  readonly #copy: boolean;
  /** Chunks written towards this end, not yet delivered to its sink. */
  readonly #inbox: Uint8Array[] = [];
  #inboxBytes = 0;
  #scheduled = false;
  #paused = false;
  #needDrain = false;
  #ending = false;
  #closed = false;
  #closeError: Error | undefined;
  /** Every chunk written by this end (for tests that inspect the bytes). */
  readonly written: Uint8Array[] = [];
  /** Stop recording into {@link MemoryTransport.written}. */
  record = true;

  /** @internal */
  constructor(options: MemoryTransportOptions) {
    this.#highWaterMark = options.highWaterMark ?? 64 * 1024;
    this.#macrotask = options.delivery === 'macrotask';
    this.#copy = options.copy ?? true;
  }

  /** @internal */
  link(peer: MemoryTransport): void {
    this.#peer = peer;
  }

  /** Starts delivering to `sink` (usually a session). */
  attach(sink: TransportSink): void {
    this.#sink = sink;
    this.#schedule();
  }

  /** True once this end closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes written by this end that the other end has not received yet. */
  get bufferedBytes(): number {
    return this.#peer.#inboxBytes;
  }

  write(chunk: Uint8Array): boolean {
    if (this.#closed || this.#ending) return false;
    const bytes = this.#copy ? chunk.slice() : chunk;
    if (this.record) this.written.push(bytes);
    const peer = this.#peer;
    if (peer.#closed) return false;
    peer.#inbox.push(bytes);
    peer.#inboxBytes += bytes.length;
    peer.#schedule();
    if (peer.#inboxBytes >= this.#highWaterMark) {
      this.#needDrain = true;
      return false;
    }
    return true;
  }

  end(): void {
    if (this.#closed || this.#ending) return;
    this.#ending = true;
    // Closes both ends once the peer has received everything written before.
    this.#peer.#schedule();
  }

  destroy(error?: Error): void {
    if (this.#closed) return;
    this.#close(error);
    this.#peer.#close(error === undefined ? undefined : new Error('connection reset by peer'));
  }

  /** Stops delivering received chunks (they wait, and the writer sees backpressure). */
  pause(): void {
    this.#paused = true;
  }

  /** Resumes delivery. */
  resume(): void {
    this.#paused = false;
    this.#schedule();
  }

  /** True while paused. */
  get paused(): boolean {
    return this.#paused;
  }

  #schedule(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    if (this.#macrotask) setTimeout(() => this.#deliver(), 0);
    else queueMicrotask(() => this.#deliver());
  }

  #deliver(): void {
    this.#scheduled = false;
    const sink = this.#sink;
    if (this.#closed || sink === undefined) return;
    while (!this.#paused && this.#inbox.length > 0 && !this.#closed) {
      const chunk = this.#inbox.shift() as Uint8Array;
      this.#inboxBytes -= chunk.length;
      sink.receive(chunk);
    }
    const writer = this.#peer;
    if (writer.#needDrain && this.#inboxBytes < writer.#highWaterMark && !writer.#closed) {
      writer.#needDrain = false;
      writer.#sink?.transportDrained();
    }
    if (this.#inbox.length === 0 && writer.#ending && !this.#closed) {
      writer.#close(undefined);
      this.#close(undefined);
    }
  }

  #close(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error;
    this.#inbox.length = 0;
    this.#inboxBytes = 0;
    const sink = this.#sink;
    if (sink !== undefined) {
      if (this.#macrotask) setTimeout(() => sink.transportClosed(this.#closeError), 0);
      else queueMicrotask(() => sink.transportClosed(this.#closeError));
    }
  }
}

/**
 * Two connected in-memory transports, for tests and examples: what one writes, the other
 * receives, asynchronously. Attach a session to each end with `attach(session)`.
 */
export function createMemoryTransportPair(
  options: MemoryTransportOptions = {},
): [MemoryTransport, MemoryTransport] {
  const a = new MemoryTransport(options);
  const b = new MemoryTransport(options);
  a.link(b);
  b.link(a);
  return [a, b];
}
