import type { Socket } from 'node:net';
import { isDecodeError } from '@bp/codec';
import { BinaryProtocolError } from './binary-protocol-error.js';
import type { ClientLink } from './client-link.js';
import { decodeInbound } from './inbound-message.js';
import { Inbox } from './inbox.js';
import { MessageReader } from './message-reader.js';
import type { WireProtocol } from './wire-protocol.js';

/** Messages a client keeps unread before it stops reading its socket (TCP applies backpressure). */
const MAX_UNREAD_MESSAGES = 1024;

/**
 * A client's TCP/TLS connection: messages framed by their structure and queued for
 * `receiveMessage()`. Bad input or a read timeout closes it, as the package's client disconnects on
 * any error.
 */
export class StreamLink implements ClientLink {
  readonly #socket: Socket;
  readonly #protocol: WireProtocol;
  readonly #reader: MessageReader;
  readonly #inbox = new Inbox();
  #open = true;

  constructor(socket: Socket, protocol: WireProtocol) {
    this.#socket = socket;
    this.#protocol = protocol;
    this.#reader = new MessageReader(protocol);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#open = false;
      this.#inbox.fail(new BinaryProtocolError('connection-closed', 'the server closed the connection'));
    });
  }

  get open(): boolean {
    return this.#open;
  }

  send(message: Uint8Array): Promise<void> {
    if (!this.#open)
      return Promise.reject(new BinaryProtocolError('not-connected', 'the connection is closed'));
    return new Promise((resolve, reject) => {
      this.#socket.write(message, (error) => {
        if (error)
          reject(
            new BinaryProtocolError('connection-closed', `write failed: ${error.message}`, { cause: error }),
          );
        else resolve();
      });
    });
  }

  async receive(timeout: number): Promise<ReturnType<typeof decodeInbound>> {
    const message = await this.#inbox.take(timeout, () => this.close());
    if (this.#inbox.size < MAX_UNREAD_MESSAGES && this.#open) this.#socket.resume();
    return message;
  }

  close(): void {
    this.#open = false;
    this.#inbox.fail(new BinaryProtocolError('connection-closed', 'the client disconnected'));
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    try {
      this.#reader.push(chunk, (bytes) => this.#inbox.put(decodeInbound(this.#protocol, bytes)));
    } catch (error) {
      this.#inbox.fail(
        new BinaryProtocolError(
          'invalid-message',
          `the server sent bytes that are not a message of the protocol: ${(error as Error).message}`,
          { cause: isDecodeError(error) ? error : undefined },
        ),
      );
      this.#open = false;
      this.#socket.destroy();
      return;
    }
    if (this.#inbox.size >= MAX_UNREAD_MESSAGES) this.#socket.pause();
  }
}
