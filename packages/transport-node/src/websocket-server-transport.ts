import { SessionError, type TransportSink, UsageError } from '@bp/session';
import {
  closeReason,
  forEachBatch,
  INITIAL_CREDIT,
  isOrderlyClose,
  readCredit,
  serverCloseCode,
  WebSocketCloseCode,
} from '@bp/session/wire';
import type { WebSocket } from 'ws';
import { DEFAULT_READ_AHEAD, defaultReadAhead } from './websocket-limits.js';

const SEND_OPTIONS = { binary: true } as const;
/** Bytes of client messages kept while paused with flow control before the socket is paused too. */
const MAX_PAUSED_BACKLOG = 1024 * 1024;

/** The transport a WebSocket connection gives its session (what an accept hook receives). */
export interface WebSocketSessionTransport {
  write(chunk: Uint8Array): boolean;
  end(): void;
  destroy(error?: Error): void;
  /** Stops reading from the client (receive-side backpressure). */
  pause(): void;
  /** Resumes reading after `pause`. */
  resume(): void;
  /** True once the connection closed. */
  readonly closed: boolean;
  /** Bytes accepted by `write` that are not on the wire yet. */
  readonly bufferedAmount: number;
  /** Whether the client negotiated credit-based flow control (`bp-flow.v1`). */
  readonly flowControl: boolean;
  /** Bytes of bp frames received and handed to the session (`CREDIT` frames and WebSocket framing not counted). */
  readonly bytesRead: number;
  /** Bytes of bp frames handed to `ws` for sending (WebSocket framing not counted). */
  readonly bytesWritten: number;
}

/** Options of {@link WebSocketServerTransport}. */
export interface WebSocketServerTransportOptions {
  /** Whether the client negotiated credit-based flow control (`bp-flow.v1`). */
  flowControl?: boolean;
  /** `write` returns false once this many bytes wait in `ws` and the socket. Default 1 MiB. */
  highWaterMark?: number;
  /** `transportDrained()` fires once the backlog is at or below this. Default 256 KiB. */
  lowWaterMark?: number;
  /**
   * Bytes of client messages read but not yet given to the session while its frames wait for the
   * client's credit; past it the connection is closed with `slow-consumer`. Default
   * {@link DEFAULT_READ_AHEAD}; the endpoint passes {@link defaultReadAhead} of its `maxPayload`.
   */
  maxReadAhead?: number;
}

/**
 * Adapts a server-side `ws` WebSocket to the session's transport interface: a `write` is one
 * binary message of whole bp frames (several above 64 KiB, split at frame boundaries), incoming binary messages go to the session as they are
 * (Node `Buffer`s, no copy), and `pause`/`resume` stop and restart reading from the socket.
 *
 * With flow control, messages beyond the client's credit are held here (the session stops writing
 * when `write` returns false, so this holds at most one flush) and released as credit arrives.
 */
export class WebSocketServerTransport implements WebSocketSessionTransport {
  readonly #ws: WebSocket;
  readonly #highWaterMark: number;
  readonly #lowWaterMark: number;
  readonly #flowControl: boolean;
  readonly #maxReadAhead: number;
  #sink: TransportSink | undefined;
  #closed = false;
  #notified = false;
  #error: Error | undefined;
  #wantDrain = false;
  #bytesRead = 0;
  /** Bytes sent without flow control (with it, #sent counts them). */
  #bytesSent = 0;
  // Flow control: total bytes the client allows, total sent, and the messages waiting for credit.
  #granted = INITIAL_CREDIT;
  #sent = 0;
  #held: Uint8Array[] = [];
  #heldHead = 0;
  #heldBytes = 0;
  // Receive side while the session asked to pause: with flow control the socket keeps being read
  // (credit must get through), and data messages wait here up to a bound.
  #paused = false;
  #socketPaused = false;
  #backlog: Uint8Array[] = [];
  #backlogHead = 0;
  #backlogBytes = 0;
  readonly #holdBatch = (batch: Uint8Array): void => {
    this.#held.push(batch);
    this.#heldBytes += batch.length;
  };
  readonly #sendOrHold = (batch: Uint8Array): void => {
    if (this.#heldHead < this.#held.length || this.#sent >= this.#granted) this.#holdBatch(batch);
    else this.#sendBatchCounted(batch);
  };

  // Node's write callbacks pass `null` on success.
  readonly #afterSend = (error?: Error | null): void => {
    if (!error && this.#wantDrain) this.#checkDrained();
  };

  readonly #sendBatch = (batch: Uint8Array): void => this.#ws.send(batch, SEND_OPTIONS);
  // The callback is only needed to notice the drain; without backpressure its cost is skipped.
  readonly #sendBatchWatched = (batch: Uint8Array): void =>
    this.#ws.send(batch, SEND_OPTIONS, this.#afterSend);

  constructor(ws: WebSocket, options: WebSocketServerTransportOptions = {}) {
    this.#ws = ws;
    this.#flowControl = options.flowControl ?? false;
    this.#highWaterMark = options.highWaterMark ?? 1024 * 1024;
    this.#lowWaterMark = Math.min(options.lowWaterMark ?? 256 * 1024, this.#highWaterMark);
    this.#maxReadAhead = options.maxReadAhead ?? DEFAULT_READ_AHEAD;
    ws.binaryType = 'nodebuffer';
    // At once, not in attach(): `ws` throws (and would take the process down) on an 'error' event
    // nobody listens to, and a connection refused by the accept hook is never attached.
    ws.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.#error ??= new SessionError('payload-too-large', 'a WebSocket message exceeded maxPayload', {
          cause: error,
        });
      } else this.#error ??= error;
    });
  }

  /** Whether the client negotiated credit-based flow control. */
  get flowControl(): boolean {
    return this.#flowControl;
  }

  /** Closes the socket without a closing handshake (the endpoint's last resort on shutdown). */
  terminate(): void {
    this.#ws.terminate();
  }

  /** Bytes of bp frames received and handed to the session. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Bytes of bp frames handed to `ws` for sending (frames held for credit are not counted yet). */
  get bytesWritten(): number {
    return this.#bytesSent + this.#sent;
  }

  /** True once the connection closed or was destroyed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes accepted by `write` that are not on the wire yet (held for credit included). */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount + this.#heldBytes;
  }

  /** Starts delivering WebSocket events to `sink`. */
  attach(sink: TransportSink): void {
    if (this.#sink !== undefined) {
      throw new UsageError(
        'already-attached',
        'WebSocketServerTransport.attach: already attached to a session; a transport feeds exactly one session',
      );
    }
    this.#sink = sink;
    const ws = this.#ws;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.#closed) return;
      if (!isBinary) {
        this.#fail(
          WebSocketCloseCode.UNSUPPORTED_DATA,
          new SessionError('malformed-frame', 'the client sent a text message; bp uses binary messages only'),
        );
        return;
      }
      if (this.#flowControl) {
        const credit = readCredit(data);
        if (credit >= 0) {
          this.#credit(credit);
          return;
        }
      }
      if (this.#paused) this.#hold(data);
      else {
        this.#bytesRead += data.length;
        sink.receive(data);
      }
    });
    ws.once('close', (code: number, reason: Buffer) => {
      if (!isOrderlyClose(code)) {
        this.#error ??= new SessionError(
          'connection-closed',
          `WebSocket closed with code ${code}${reason.length > 0 ? ` (${reason.toString()})` : ''}`,
        );
      }
      this.#finish();
    });
    if (ws.readyState !== ws.OPEN) queueMicrotask(() => this.#finish());
  }

  write(chunk: Uint8Array): boolean {
    if (this.#closed) return false;
    if (!this.#flowControl) return this.#send(chunk);
    // Decided before sending, so that the sends that fill the buffer carry the drain callback.
    if (this.#ws.bufferedAmount + chunk.length > this.#highWaterMark) this.#wantDrain = true;
    // Credit is checked per message: the one that crosses the limit goes whole, the rest waits.
    forEachBatch(chunk, this.#sendOrHold);
    if (this.#socketPaused && this.#waitingForCredit()) {
      this.#socketPaused = false;
      this.#ws.resume();
    }
    const ok = this.#heldHead === this.#held.length && this.#ws.bufferedAmount <= this.#highWaterMark;
    if (!ok) this.#wantDrain = true;
    return ok;
  }

  end(): void {
    if (this.#closed) return;
    // Frames held for credit are dropped: a peer that grants nothing more cannot receive them,
    // and the session ends only after its goodbye exchange or on a fatal error.
    this.#ws.close(WebSocketCloseCode.NORMAL);
  }

  destroy(error?: Error): void {
    if (this.#closed) return;
    const code = (error as { code?: string } | undefined)?.code;
    if (code === 'slow-consumer' || code === 'read-timeout') {
      // The peer is not reading (or not there): a close frame would wait behind its backlog.
      if (error !== undefined) this.#error ??= error;
      this.#ws.terminate();
      this.#finish();
      return;
    }
    this.#fail(serverCloseCode(code), error);
  }

  /**
   * Stops delivering the client's messages (receive-side backpressure; TCP flow control does the
   * rest). With flow control the socket is still read, so that `CREDIT` frames, which may be what
   * the session is waiting for, get through; data messages wait, and only past
   * {@link MAX_PAUSED_BACKLOG} bytes is the socket paused too.
   */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    if (!this.#flowControl) this.#pauseSocket();
  }

  /** Delivers what waited, then resumes reading after {@link WebSocketServerTransport.pause}. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    const sink = this.#sink;
    while (this.#backlogHead < this.#backlog.length && !this.#paused && !this.#closed && sink !== undefined) {
      const message = this.#backlog[this.#backlogHead++]!;
      this.#backlogBytes -= message.length;
      this.#bytesRead += message.length;
      sink.receive(message);
    }
    if (this.#backlogHead === this.#backlog.length) {
      this.#backlog = [];
      this.#backlogHead = 0;
    }
    if (!this.#paused && this.#socketPaused) {
      this.#socketPaused = false;
      this.#ws.resume();
    }
  }

  #pauseSocket(): void {
    if (this.#socketPaused) return;
    this.#socketPaused = true;
    this.#ws.pause();
  }

  #hold(message: Uint8Array): void {
    this.#backlog.push(message);
    this.#backlogBytes += message.length;
    if (!this.#waitingForCredit()) {
      if (this.#backlogBytes > MAX_PAUSED_BACKLOG) this.#pauseSocket();
    } else if (this.#backlogBytes > this.#maxReadAhead) {
      this.destroy(
        new SessionError(
          'slow-consumer',
          `${this.#backlogBytes} bytes received while waiting for the client's credit (maxReadAhead ${this.#maxReadAhead})`,
        ),
      );
    }
  }

  #waitingForCredit(): boolean {
    return this.#heldHead < this.#held.length;
  }

  #send(chunk: Uint8Array): boolean {
    const full = this.#ws.bufferedAmount + chunk.length > this.#highWaterMark;
    if (full) this.#wantDrain = true;
    this.#bytesSent += chunk.length;
    forEachBatch(chunk, this.#wantDrain ? this.#sendBatchWatched : this.#sendBatch);
    return !full;
  }

  #sendBatchCounted(batch: Uint8Array): void {
    this.#sent += batch.length;
    (this.#wantDrain ? this.#sendBatchWatched : this.#sendBatch)(batch);
  }

  #credit(bytes: number): void {
    this.#granted += bytes;
    const held = this.#held;
    while (this.#heldHead < held.length && this.#sent < this.#granted && !this.#closed) {
      const batch = held[this.#heldHead++]!;
      this.#heldBytes -= batch.length;
      this.#sendBatchCounted(batch);
    }
    if (this.#heldHead === held.length) {
      this.#held = [];
      this.#heldHead = 0;
      if (this.#paused && this.#backlogBytes > MAX_PAUSED_BACKLOG) this.#pauseSocket();
    }
    if (this.#wantDrain) this.#checkDrained();
  }

  #checkDrained(): void {
    if (this.#closed || this.#heldHead < this.#held.length || this.#ws.bufferedAmount > this.#lowWaterMark)
      return;
    this.#wantDrain = false;
    this.#sink?.transportDrained();
  }

  #fail(code: number, error: Error | undefined): void {
    if (error !== undefined) this.#error ??= error;
    const reason = closeReason((error as { code?: unknown } | undefined)?.code);
    this.#ws.close(code, reason === '' ? undefined : reason);
    this.#finish();
  }

  #finish(): void {
    this.#closed = true;
    this.#held = [];
    this.#heldHead = 0;
    this.#heldBytes = 0;
    this.#backlog = [];
    this.#backlogHead = 0;
    const sink = this.#sink;
    if (this.#notified || sink === undefined) return;
    this.#notified = true;
    sink.transportClosed(this.#error);
  }
}
