import { type TransportSink, UsageError } from '@bp/session';
import {
  clientCloseCode,
  closeReason,
  DEFAULT_RECEIVE_WINDOW,
  encodeCredit,
  FLOW_SUBPROTOCOL,
  forEachBatch,
  isOrderlyClose,
  ReceiveWindow,
  WebSocketCloseCode,
} from '@bp/session/wire';
import { ClientError } from './client-error.js';
import { type WebSocketLike, WS_CLOSED, WS_CLOSING } from './websocket-like.js';

/** @deprecated import `TransportSink` from `@bp/session` (one declaration for every transport). */
export type { TransportSink };

/** Options of {@link WebSocketTransport}. */
export interface WebSocketTransportOptions {
  /**
   * `write` returns false once the WebSocket's `bufferedAmount` is above this many bytes.
   * Default 256 KiB: enough to keep a fast link busy, small enough that a slow one does not hide
   * seconds of latency in the send queue.
   */
  highWaterMark?: number;
  /** After backpressure, `transportDrained()` fires once `bufferedAmount` is at or below this. Default 64 KiB. */
  lowWaterMark?: number;
  /**
   * Receive window in bytes, used when the server selected the `bp-flow.v1` subprotocol: the
   * server may run at most this far ahead of the messages this side has handled. Default 256 KiB.
   */
  receiveWindow?: number;
}

const DEFAULT_HIGH_WATER_MARK = 256 * 1024;
const DEFAULT_LOW_WATER_MARK = 64 * 1024;
// The WebSocket API has no drain event, so `bufferedAmount` is polled while above the mark.
// The first look comes soon (small bursts drain within a few ms); later ones back off so a
// stalled link costs almost nothing.
const FIRST_POLL_MS = 1;
const MAX_POLL_MS = 50;

/**
 * Adapts a WHATWG-style WebSocket (browser, Node 22+, `ws`) to the session's transport interface.
 *
 * A `write` becomes one binary WebSocket message of whole bp frames, or several when it is larger
 * than 64 KiB (split at frame boundaries, so the server can bound message size by its largest
 * legal frame). Incoming
 * messages are handed over as `Uint8Array` views of the received `ArrayBuffer`, without a copy.
 */
export class WebSocketTransport {
  /** The underlying WebSocket. */
  readonly socket: WebSocketLike;
  readonly #highWaterMark: number;
  readonly #lowWaterMark: number;
  readonly #receiveWindow: number;
  #window: ReceiveWindow | undefined;
  #sink: TransportSink | undefined;
  /** The socket closed (either side) or `destroy` was called: nothing more can be sent. */
  #closed = false;
  /** `destroy` was called: what is still buffered is dropped. */
  #destroyed = false;
  #notified = false;
  #error: Error | undefined;
  #pollTimer: ReturnType<typeof setTimeout> | undefined;
  #pollDelay = FIRST_POLL_MS;
  // Messages not handed to the session yet: before `attach`, and while paused. With flow control
  // their total is bounded by the receive window.
  #paused = false;
  #backlog: Uint8Array[] = [];
  #backlogHead = 0;

  readonly #onMessage = (event: { data: unknown }): void => {
    if (this.#destroyed || this.#notified) return;
    const data = event.data;
    let bytes: Uint8Array;
    if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else {
      this.#fail(
        typeof data === 'string'
          ? WebSocketCloseCode.CLIENT_UNSUPPORTED_DATA
          : WebSocketCloseCode.CLIENT_ERROR,
        typeof data === 'string'
          ? new ClientError('text-message', 'the server sent a text message; bp uses binary messages only')
          : new ClientError(
              'websocket-closed',
              'the WebSocket delivered a Blob: binaryType must be "arraybuffer"',
            ),
      );
      return;
    }
    if (this.#sink === undefined || this.#paused) this.#backlog.push(bytes);
    else this.#deliver(bytes);
  };

  readonly #onClose = (event: { code?: number; reason?: string }): void => {
    const code = event.code ?? WebSocketCloseCode.ABNORMAL;
    if (!isOrderlyClose(code)) {
      const reason = event.reason ?? '';
      this.#error ??= new ClientError(
        'websocket-closed',
        `WebSocket closed with code ${code}${reason === '' ? '' : ` (${reason})`}`,
        { closeCode: code, closeReason: reason },
      );
    }
    this.#closed = true;
    this.#finish();
  };

  readonly #sendBatch = (batch: Uint8Array): void => this.socket.send(batch);

  // The 'error' event carries no detail in browsers (by design: no cross-origin leaks); the
  // 'close' event that follows says what there is to say. The listener stays for good: `ws`
  // throws on an 'error' event nobody listens to.
  readonly #onError = (): void => {};

  /**
   * Wraps `socket` and starts listening to it at once, so that nothing the server sends right
   * after the upgrade (a `REJECT` may come in the same read as the handshake response) is lost
   * before {@link WebSocketTransport.attach}.
   */
  constructor(socket: WebSocketLike, options: WebSocketTransportOptions = {}) {
    this.socket = socket;
    this.#highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.#lowWaterMark = Math.min(options.lowWaterMark ?? DEFAULT_LOW_WATER_MARK, this.#highWaterMark);
    this.#receiveWindow = options.receiveWindow ?? DEFAULT_RECEIVE_WINDOW;
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('message', this.#onMessage);
    socket.addEventListener('close', this.#onClose);
    socket.addEventListener('error', this.#onError);
    if (socket.readyState === WS_CLOSING || socket.readyState === WS_CLOSED) this.#closed = true;
  }

  /** True once the WebSocket has closed or `destroy` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes handed to the WebSocket that it has not put on the wire yet. */
  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  /** True when the server agreed to credit-based flow control (`bp-flow.v1`); known once attached. */
  get flowControl(): boolean {
    return this.#window !== undefined;
  }

  /**
   * Starts delivering to `sink`: first what arrived since the transport was created, then live
   * messages. Call it once the socket is open (the flow-control subprotocol is known then).
   */
  attach(sink: TransportSink): void {
    if (this.#sink !== undefined) {
      throw new UsageError(
        'already-attached',
        'WebSocketTransport.attach: already attached to a session; a transport feeds exactly one session',
      );
    }
    this.#sink = sink;
    if (this.socket.protocol === FLOW_SUBPROTOCOL && this.#receiveWindow > 0) {
      this.#window = new ReceiveWindow(this.#receiveWindow);
      if (!this.#closed) this.#grant(this.#window.initialGrant());
    }
    if (this.#closed) {
      // Closed before attach: hand over what came, then the close, as a live close would.
      queueMicrotask(() => this.#finish());
      return;
    }
    this.#drainBacklog();
  }

  write(chunk: Uint8Array): boolean {
    if (this.#closed) return false;
    forEachBatch(chunk, this.#sendBatch);
    if (this.socket.bufferedAmount <= this.#highWaterMark) return true;
    this.#startPolling();
    return false;
  }

  end(): void {
    if (this.#closed) return;
    // Messages already passed to send() go out before the close frame.
    this.socket.close(WebSocketCloseCode.NORMAL);
  }

  destroy(error?: Error): void {
    if (this.#destroyed || this.#notified) return;
    const code = (error as { code?: unknown } | undefined)?.code;
    this.#fail(clientCloseCode(typeof code === 'string' ? code : undefined), error);
  }

  /**
   * Stops handing messages to the session (receive-side backpressure). The WebSocket API cannot
   * stop reading, so messages are kept here; with flow control no credit is granted meanwhile,
   * which stops the server within one receive window.
   */
  pause(): void {
    this.#paused = true;
  }

  /** Delivers what arrived while paused, then resumes normal delivery. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#sink !== undefined && !this.#notified) this.#drainBacklog();
  }

  #drainBacklog(force = false): void {
    while (this.#backlogHead < this.#backlog.length && (force || !this.#paused) && !this.#destroyed) {
      this.#deliver(this.#backlog[this.#backlogHead++]!);
    }
    if (this.#backlogHead === this.#backlog.length) {
      this.#backlog = [];
      this.#backlogHead = 0;
    }
  }

  #deliver(bytes: Uint8Array): void {
    this.#sink!.receive(bytes);
    // Credit is granted only once the session has handled the message (its handlers ran).
    if (this.#window !== undefined && !this.#closed) this.#grant(this.#window.consumed(bytes.byteLength));
  }

  #grant(bytes: number): void {
    // Always alone in its message, so the server can strip it without parsing the stream.
    if (bytes > 0) this.socket.send(encodeCredit(bytes));
  }

  /** Closes with a specific code; the sink hears about it at once, not after the closing handshake. */
  #fail(code: number, error: Error | undefined): void {
    if (error !== undefined) this.#error ??= error;
    this.#destroyed = true;
    this.#closed = true;
    const reason = closeReason((error as { code?: unknown } | undefined)?.code);
    try {
      this.socket.close(code, reason);
    } catch {
      // Already closing: nothing more to do on the socket.
    }
    this.#finish();
  }

  #startPolling(): void {
    if (this.#pollTimer !== undefined) return;
    this.#pollDelay = FIRST_POLL_MS;
    this.#pollTimer = setTimeout(this.#poll, this.#pollDelay);
  }

  readonly #poll = (): void => {
    this.#pollTimer = undefined;
    if (this.#closed) return;
    if (this.socket.bufferedAmount <= this.#lowWaterMark) {
      this.#sink?.transportDrained();
      return;
    }
    this.#pollDelay = Math.min(this.#pollDelay * 2, MAX_POLL_MS);
    this.#pollTimer = setTimeout(this.#poll, this.#pollDelay);
  };

  #finish(): void {
    if (this.#pollTimer !== undefined) clearTimeout(this.#pollTimer);
    this.#pollTimer = undefined;
    const sink = this.#sink;
    if (this.#notified || sink === undefined) return;
    this.#notified = true;
    // The connection is gone, so pausing no longer protects anything: what arrived before the
    // close (a REJECT, a final ERROR, the last pushes) reaches the session before the close does.
    if (!this.#destroyed) this.#drainBacklog(true);
    this.#backlog = [];
    this.#backlogHead = 0;
    this.socket.removeEventListener('message', this.#onMessage);
    this.socket.removeEventListener('close', this.#onClose);
    sink.transportClosed(this.#error);
  }
}
