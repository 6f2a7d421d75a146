import type { Socket } from 'node:net';
import { type TransportSink, UsageError } from '@bp/session';
import { socketCeiling } from './socket-ceiling.js';
import { TransportError } from './transport-error.js';

/** @deprecated import `TransportSink` from `@bp/session` (one declaration for every transport). */
export type { TransportSink };

/** Options of {@link SocketTransport}. */
export interface SocketTransportOptions {
  /**
   * Hard ceiling on bytes queued inside the socket. The session is expected to stop writing
   * long before (it gets `false` from `write` at the socket's high-water mark); this only guards
   * memory against a peer that never reads when something keeps writing anyway. Default: derived
   * from the default session limits (`socketCeiling`, about 18 MiB); the server and the client
   * derive it from the limits they run their sessions with.
   */
  maxBufferedBytes?: number;
}

const DEFAULT_MAX_BUFFERED_BYTES = socketCeiling(
  { maxPayloadSize: 1024 * 1024, connectTimeout: 0, readTimeout: 0 },
  {},
);

/** Where a socket's shared listeners find the transport that owns it. */
const TRANSPORT = Symbol('bp.socketTransport');
type OwnedSocket = Socket & { [TRANSPORT]?: SocketTransport };

/**
 * Adapts a `net.Socket` or `tls.TLSSocket` to the session's transport interface.
 *
 * Writes made during one turn of the event loop are corked and leave in a single `writev`
 * (one syscall, no copy), which is what makes many small messages cheap. `write` returns the
 * socket's own backpressure signal and `'drain'` is forwarded as `transportDrained()`.
 */
export class SocketTransport {
  /** The underlying socket (for `remoteAddress`, TLS peer certificate, etc.). */
  readonly socket: Socket;
  #sink: TransportSink | undefined;
  #corked = false;
  #closed = false;
  #notified = false;
  #error: Error | undefined;
  #bytesRead = 0;
  #bytesWritten = 0;
  readonly #maxBufferedBytes: number;

  // The socket's listeners and the uncork task are shared by every transport (each finds its own
  // through the socket): as closures they were five functions and a context on every connection.
  static readonly #onData = function (this: OwnedSocket, chunk: Buffer): void {
    const transport = this[TRANSPORT]!;
    if (transport.#closed) return;
    transport.#bytesRead += chunk.length;
    transport.#sink!.receive(chunk);
  };
  static readonly #onDrain = function (this: OwnedSocket): void {
    const transport = this[TRANSPORT]!;
    if (!transport.#closed) transport.#sink!.transportDrained();
  };
  static readonly #onError = function (this: OwnedSocket, error: Error): void {
    const transport = this[TRANSPORT]!;
    transport.#error ??= error;
    // Socket errors come with a destroy, but TLS errors after the handshake do not: a refused
    // renegotiation (a fatal alert) or a client renegotiating past Node's limit
    // (`ERR_TLS_SESSION_ATTACK`, where renegotiation was allowed again through `extra`) are
    // only reported, and the connection, or the attacker's renegotiating, would go on.
    if (!this.destroyed) this.destroy();
  };
  static readonly #onClose = function (this: OwnedSocket): void {
    this[TRANSPORT]!.#finish();
  };
  static #uncork(transport: SocketTransport): void {
    transport.#corked = false;
    transport.socket.uncork();
  }

  constructor(socket: Socket, options: SocketTransportOptions = {}) {
    this.socket = socket;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    // We coalesce ourselves; Nagle would only add latency on top.
    socket.setNoDelay(true);
    if (socket.destroyed) this.#closed = true;
  }

  /** True once the socket has closed (or was already closed when wrapped). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes received and handed to the session (bp frames; for TLS, the decrypted bytes). */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Bytes handed to the socket by `write` (bp frames; for TLS, before encryption). */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Bytes accepted by `write` that the kernel has not taken yet. */
  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  /**
   * Starts delivering socket events to `sink`. Until then the socket stays paused, so no byte
   * arriving between accept and session creation is lost.
   */
  attach(sink: TransportSink): void {
    if (this.#sink !== undefined) {
      throw new UsageError(
        'already-attached',
        'SocketTransport.attach: already attached to a session; a transport feeds exactly one session',
      );
    }
    this.#sink = sink;
    const socket = this.socket as OwnedSocket;
    socket[TRANSPORT] = this;
    // A peer dripping a frame byte by byte needs no guard here: the session's readTimeout counts
    // complete frames only (docs/PROTOCOL.md section 12).
    socket.on('data', SocketTransport.#onData);
    socket.on('drain', SocketTransport.#onDrain);
    socket.on('error', SocketTransport.#onError);
    // 'close' comes once: `on`, as `once` would wrap the listener in two more objects per socket.
    socket.on('close', SocketTransport.#onClose);
    // A socket that died before attach never emits 'close' to us; report it asynchronously so
    // the session sees the same ordering as a live close.
    if (socket.destroyed) process.nextTick(() => this.#finish());
  }

  write(chunk: Uint8Array): boolean {
    if (this.#closed || this.socket.destroyed) return false;
    if (!this.#corked) {
      this.#corked = true;
      this.socket.cork();
      // nextTick runs after the microtasks of this turn, so replies resolved by promises in the
      // same turn still join the batch.
      process.nextTick(SocketTransport.#uncork, this);
    }
    const ok = this.socket.write(chunk);
    this.#bytesWritten += chunk.length;
    if (this.socket.writableLength > this.#maxBufferedBytes) {
      this.destroy(
        new TransportError(
          'slow-consumer',
          `peer is not reading: ${this.socket.writableLength} bytes queued (limit ${this.#maxBufferedBytes})`,
          { remoteAddress: this.socket.remoteAddress },
        ),
      );
      return false;
    }
    return ok;
  }

  end(): void {
    if (this.#closed) return;
    if (this.#corked) SocketTransport.#uncork(this);
    this.socket.end();
  }

  destroy(error?: Error): void {
    if (error !== undefined) this.#error ??= error;
    // Best effort for a last frame written just before (the session's ERROR for read-timeout or
    // slow-consumer): uncorking hands it to the kernel now, which still sends it after close.
    if (this.#corked && !this.socket.destroyed) SocketTransport.#uncork(this);
    this.socket.destroy();
  }

  /** Stops reading from the socket (receive-side backpressure; TCP flow control does the rest). */
  pause(): void {
    this.socket.pause();
  }

  /** Resumes reading after {@link SocketTransport.pause}. */
  resume(): void {
    if (this.#sink !== undefined) this.socket.resume();
  }

  #finish(): void {
    this.#closed = true;
    const sink = this.#sink;
    if (this.#notified || sink === undefined) return;
    this.#notified = true;
    sink.transportClosed(this.#error);
  }
}
