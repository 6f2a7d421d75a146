import type { Socket } from 'node:net';
import type { BinaryPeer } from './binary-handler.js';
import type { HandlerTable } from './handler-table.js';
import { type DecodedMessageLike, decodeInbound } from './inbound-message.js';
import { MessageReader } from './message-reader.js';
import type { WireProtocol } from './wire-protocol.js';

/** Why a connection of a `BinaryServer` was closed by the server. */
export type CloseReason =
  | 'invalid-message'
  | 'read-timeout'
  | 'idle-timeout'
  | 'handler-error'
  | 'slow-consumer'
  | 'stopped';

/** Per-connection settings of the stream wire. */
export interface StreamConnectionOptions {
  readonly protocol: WireProtocol;
  readonly handlers: HandlerTable;
  /** ms a started message may take to arrive completely. */
  readonly readTimeout: number;
  /** ms without any byte before the connection is closed (0: never). */
  readonly idleTimeout: number;
  /** Bytes a reply may leave queued in the socket before the peer counts as not reading. */
  readonly maxSocketBufferedBytes: number;
  readonly onHandlerError: (error: unknown, type: number) => void;
  readonly onClose: (reason: CloseReason | undefined) => void;
  readonly transport: 'tcp' | 'tls';
}

/**
 * One TCP/TLS connection speaking the package's wire, served as the package serves it: messages
 * handled one at a time in arrival order, each answered by one reply or none, the next message
 * handled once the reply is written. bp's protections on top: lengths checked before buffering,
 * a read timeout for a started message, an idle timeout, and any bad input closes the connection
 * without a reply (the wire has no error message).
 */
export class StreamConnection {
  readonly #socket: Socket;
  readonly #options: StreamConnectionOptions;
  readonly #reader: MessageReader;
  /** Framed messages waiting for their turn; `undefined` marks input that could not be framed. */
  readonly #queue: (Uint8Array | undefined)[] = [];
  #pumping = false;
  #readTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  readonly #peer: BinaryPeer;
  /** Bad input was seen: read nothing more, answer what came before it, then close. */
  #poisoned = false;

  constructor(socket: Socket, options: StreamConnectionOptions) {
    this.#socket = socket;
    this.#options = options;
    this.#reader = new MessageReader(options.protocol);
    this.#peer = {
      transport: options.transport,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
    };
    socket.setNoDelay(true);
    if (options.idleTimeout > 0) {
      socket.setTimeout(options.idleTimeout, () => this.close('idle-timeout'));
    }
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.#finish(undefined));
  }

  /** Closes the connection now (no reply: the wire has no way to say why). */
  close(reason: CloseReason): void {
    this.#finish(reason);
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    if (this.#closed || this.#poisoned) return;
    let completed = 0;
    try {
      this.#reader.push(chunk, (message) => {
        completed++;
        this.#queue.push(message);
      });
    } catch {
      // The messages before the bad bytes are still answered, as the package does; then close.
      this.#queue.push(undefined);
      this.#poisoned = true;
      this.#socket.pause();
    }
    this.#armReadTimer(completed > 0);
    if (this.#queue.length > 0 && !this.#pumping) void this.#pump();
  }

  /** A started message must complete within readTimeout; every completed message restarts the clock. */
  #armReadTimer(progressed: boolean): void {
    const partial = this.#reader.bufferedBytes > 0;
    if (this.#readTimer !== undefined && (progressed || !partial)) {
      clearTimeout(this.#readTimer);
      this.#readTimer = undefined;
    }
    if (partial && this.#readTimer === undefined && this.#options.readTimeout > 0) {
      this.#readTimer = setTimeout(() => this.close('read-timeout'), this.#options.readTimeout);
      this.#readTimer.unref?.();
    }
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    // Read no further while messages wait: what is buffered stays bounded by one chunk.
    this.#socket.pause();
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const bytes = this.#queue.shift();
        let message: DecodedMessageLike | undefined;
        // undefined in the queue marks bytes the framer could not frame, kept in order so that
        // every message before it is still answered.
        if (bytes !== undefined) {
          try {
            message = decodeInbound(this.#options.protocol, bytes);
          } catch {}
        }
        if (message === undefined) {
          this.close('invalid-message');
          return;
        }
        let reply: Uint8Array | undefined;
        try {
          reply = await this.#options.handlers.reply(message, this.#peer);
        } catch (error) {
          this.#options.onHandlerError(error, message.type);
          this.close('handler-error');
          return;
        }
        if (reply === undefined || this.#closed) continue;
        if (!this.#socket.write(reply)) {
          if (this.#socket.writableLength > this.#options.maxSocketBufferedBytes) {
            this.close('slow-consumer');
            return;
          }
          await new Promise<void>((resolve) => {
            const done = (): void => {
              this.#socket.off('drain', done);
              this.#socket.off('close', done);
              resolve();
            };
            this.#socket.on('drain', done);
            this.#socket.on('close', done);
          });
        }
      }
    } finally {
      this.#pumping = false;
      if (!this.#closed && !this.#poisoned) this.#socket.resume();
    }
  }

  #finish(reason: CloseReason | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#readTimer !== undefined) clearTimeout(this.#readTimer);
    this.#queue.length = 0;
    this.#options.onClose(reason);
  }
}
