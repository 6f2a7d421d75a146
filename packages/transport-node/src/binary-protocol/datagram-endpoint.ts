import { createSocket, type Socket as DatagramSocket, type RemoteInfo } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { HandlerTable } from './handler-table.js';
import { decodeInbound } from './inbound-message.js';
import { maxMessageSize, type WireProtocol } from './wire-protocol.js';

/** The largest UDP payload over IPv4 (65535 - 8 - 20), what the package's `recvfrom` reads. */
export const MAX_DATAGRAM_SIZE = 65_507;

/** Counters of a UDP endpoint. */
export interface DatagramStats {
  /** Datagrams received, good or bad. */
  readonly received: number;
  /** Datagrams dropped: too large, not exactly one message, unknown type, or over `maxInFlight`. */
  readonly dropped: number;
  /** Replies sent. */
  readonly replied: number;
}

/** Settings of a {@link DatagramEndpoint}. */
export interface DatagramEndpointOptions {
  readonly protocol: WireProtocol;
  readonly handlers: HandlerTable;
  /** Handlers running at once; datagrams beyond are dropped. */
  readonly maxInFlight: number;
  readonly onHandlerError: (error: unknown, type: number) => void;
}

/**
 * The package's wire over UDP: one message per datagram, the same bytes, a reply (if any) sent
 * back to the sender. As in the package, bad datagrams and unknown types are never answered;
 * unlike it, they are counted, and a datagram is checked against the protocol's largest message
 * before it is decoded.
 */
export class DatagramEndpoint {
  readonly #options: DatagramEndpointOptions;
  readonly #limit: number;
  #socket: DatagramSocket | undefined;
  #inFlight = 0;
  #received = 0;
  #dropped = 0;
  #replied = 0;

  constructor(options: DatagramEndpointOptions) {
    this.#options = options;
    this.#limit = Math.min(MAX_DATAGRAM_SIZE, maxMessageSize(options.protocol));
  }

  get stats(): DatagramStats {
    return { received: this.#received, dropped: this.#dropped, replied: this.#replied };
  }

  /** The bound address, once listening. */
  address(): { address: string; port: number; family: string } | undefined {
    return this.#socket?.address();
  }

  listen(host: string, port: number): Promise<void> {
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    this.#socket = socket;
    socket.on('message', (datagram, remote) => this.#onDatagram(datagram, remote));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        socket.on('error', () => {});
        resolve();
      });
    });
  }

  close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket === undefined) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }

  #onDatagram(datagram: Buffer, remote: RemoteInfo): void {
    this.#received++;
    const { protocol, handlers } = this.#options;
    if (datagram.length > this.#limit || this.#inFlight >= this.#options.maxInFlight) {
      this.#dropped++;
      return;
    }
    let message: ReturnType<typeof decodeInbound>;
    try {
      message = decodeInbound(protocol, datagram);
    } catch {
      this.#dropped++;
      return;
    }
    if (message.type !== protocol.notFoundType && !protocol.hasType(message.type)) {
      this.#dropped++;
      return;
    }
    this.#inFlight++;
    handlers
      .reply(message, { transport: 'udp', remoteAddress: remote.address, remotePort: remote.port })
      .then(
        (reply) => {
          this.#inFlight--;
          const socket = this.#socket;
          if (reply === undefined || socket === undefined) return;
          this.#replied++;
          socket.send(reply, remote.port, remote.address);
        },
        (error: unknown) => {
          this.#inFlight--;
          this.#options.onHandlerError(error, message.type);
        },
      );
  }
}
