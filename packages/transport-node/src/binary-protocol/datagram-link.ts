import { createSocket, type Socket as DatagramSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { ClientError } from '@bp/session';
import { BinaryProtocolError } from './binary-protocol-error.js';
import type { ClientLink } from './client-link.js';
import { MAX_DATAGRAM_SIZE } from './datagram-endpoint.js';
import { type DecodedMessageLike, decodeInbound } from './inbound-message.js';
import { Inbox } from './inbox.js';
import { maxMessageSize, type WireProtocol } from './wire-protocol.js';

/** Datagrams a client keeps unread; more are dropped (UDP has no backpressure). */
const MAX_UNREAD_DATAGRAMS = 1024;

/**
 * A client's UDP socket, connected to the server's address (only its datagrams are taken): one
 * message per datagram. Bad or oversized datagrams are dropped and counted, never fatal.
 */
export class DatagramLink implements ClientLink {
  readonly #socket: DatagramSocket;
  readonly #inbox = new Inbox();
  #open = true;
  /** Datagrams dropped: too large, not one message of the protocol, or too many unread. */
  dropped = 0;

  private constructor(socket: DatagramSocket, protocol: WireProtocol) {
    this.#socket = socket;
    const limit = Math.min(MAX_DATAGRAM_SIZE, maxMessageSize(protocol));
    socket.on('message', (datagram) => {
      if (datagram.length > limit || this.#inbox.size >= MAX_UNREAD_DATAGRAMS) {
        this.dropped++;
        return;
      }
      try {
        this.#inbox.put(decodeInbound(protocol, datagram));
      } catch {
        this.dropped++;
      }
    });
    socket.on('error', () => {});
  }

  /**
   * Opens a UDP socket connected to `host:port` (a name is looked up first). Rejects with
   * `ClientError` `connect-failed` when that fails, with `signal.reason` when `signal` aborts.
   */
  static open(
    protocol: WireProtocol,
    host: string,
    port: number,
    signal: AbortSignal,
  ): Promise<DatagramLink> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
      const settle = (error: unknown): void => {
        signal.removeEventListener('abort', onAbort);
        socket.removeAllListeners('error');
        socket.on('error', () => {});
        socket.close();
        reject(error);
      };
      const onAbort = (): void => settle(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('error', (error) =>
        settle(
          new ClientError('connect-failed', `cannot connect to ${host}:${port} over UDP: ${error.message}`, {
            cause: error,
          }),
        ),
      );
      socket.connect(port, host, () => {
        signal.removeEventListener('abort', onAbort);
        socket.removeAllListeners('error');
        resolve(new DatagramLink(socket, protocol));
      });
    });
  }

  get open(): boolean {
    return this.#open;
  }

  send(message: Uint8Array): Promise<void> {
    if (!this.#open)
      return Promise.reject(new BinaryProtocolError('not-connected', 'the UDP socket is closed'));
    if (message.length > MAX_DATAGRAM_SIZE) {
      return Promise.reject(
        new BinaryProtocolError(
          'message-too-large',
          `a ${message.length}-byte message does not fit one UDP datagram (${MAX_DATAGRAM_SIZE} bytes)`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.#socket.send(message, (error) => {
        if (error)
          reject(
            new BinaryProtocolError('connection-closed', `send failed: ${error.message}`, { cause: error }),
          );
        else resolve();
      });
    });
  }

  receive(timeout: number): Promise<DecodedMessageLike> {
    // A lost datagram is not a broken connection: a UDP read timeout leaves the socket open.
    return this.#inbox.take(timeout, () => {});
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#inbox.fail(new BinaryProtocolError('connection-closed', 'the client disconnected'));
    this.#socket.close();
  }
}
