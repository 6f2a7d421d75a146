import { ClientError } from '@bp/session';
import { openSocket } from '../open-socket.js';
import type { ClientTlsOptions } from '../tls-options.js';
import { BinaryProtocolError } from './binary-protocol-error.js';
import type { ClientLink } from './client-link.js';
import { DatagramLink } from './datagram-link.js';
import { StreamLink } from './stream-link.js';
import { checkWireProtocol, type WireProtocol } from './wire-protocol.js';

/** Options of a {@link BinaryClient}. */
export interface BinaryClientOptions {
  /** Connect with TLS (which the package lacks). ALPN is off unless `alpn` is given. TCP only. */
  tls?: ClientTlsOptions;
}

/** A received message: `[type, data]`, as the package's `receive_message()` returns it. */
export type ReceivedMessage = [type: number, data: any];

/**
 * A client of the Python `binary_protocol` wire, with the package's API camel-cased: `connect`,
 * `sendMessage`, `receiveMessage` (replies match requests by order only), `disconnect`, and the
 * single-use helpers. TCP (optionally TLS) or UDP, as `config.transportType` says; `connect` is
 * bounded by `config.connectTimeout` and each `receiveMessage` by `config.readTimeout`.
 *
 * @example
 * const client = new BinaryClient(config);
 * await client.connect('127.0.0.1', 8888);
 * await client.sendMessage(MessageType.STATUS, { status_code: 200, message: 'ok' });
 * const [type, data] = await client.receiveMessage();
 * await client.disconnect();
 */
export class BinaryClient {
  /** The protocol spoken. */
  readonly config: WireProtocol;
  readonly #options: BinaryClientOptions;
  #link: ClientLink | undefined;

  constructor(config: WireProtocol, options: BinaryClientOptions = {}) {
    checkWireProtocol(config);
    if (config.transportType === 'udp' && options.tls !== undefined) {
      throw new BinaryProtocolError('invalid-argument', 'BinaryClient: tls works over TCP only, not UDP');
    }
    this.config = config;
    this.#options = options;
  }

  /** True while connected (for UDP: while the socket is open). */
  get connected(): boolean {
    return this.#link?.open === true;
  }

  /** UDP: datagrams dropped since connect (too large, or not one message of the protocol). */
  get droppedDatagrams(): number {
    return this.#link instanceof DatagramLink ? this.#link.dropped : 0;
  }

  /**
   * Connects within `config.connectTimeout` (0: no limit), with the errors of bp's own `connect`
   * (docs/errors.md): rejects with `ClientError` `connect-timeout` when the time passes,
   * `ClientError` `connect-failed` when the socket cannot be opened (refused, DNS; `cause` holds
   * the system error), `TransportError` `tls-failed` when the TLS handshake fails. Over UDP
   * (no handshake) connecting binds a socket to the server's address.
   */
  async connect(host: string, port: number): Promise<void> {
    if (this.connected) await this.disconnect();
    const abort = new AbortController();
    const timeout = this.config.connectTimeout;
    const timer =
      timeout > 0
        ? setTimeout(
            () =>
              abort.abort(
                new ClientError(
                  'connect-timeout',
                  `connecting to ${host}:${port} took longer than ${timeout} ms (connectTimeout); ` +
                    'check that the server runs there and answers, or raise connectTimeout',
                ),
              ),
            timeout,
          )
        : undefined;
    try {
      if (this.config.transportType === 'udp') {
        this.#link = await DatagramLink.open(this.config, host, port, abort.signal);
        return;
      }
      const tls = this.#options.tls;
      const socket = await openSocket(
        { host, port, tls: tls === undefined ? undefined : { alpn: false, ...tls } },
        abort.signal,
      );
      this.#link = new StreamLink(socket, this.config);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the connection; a pending `receiveMessage()` rejects with `connection-closed`. */
  async disconnect(): Promise<void> {
    this.#link?.close();
    this.#link = undefined;
  }

  /**
   * Sends one message. Throws `EncodeError` for a value that does not fit the type (nothing is
   * sent), {@link BinaryProtocolError} `not-connected` without a connection.
   */
  async sendMessage(type: number, data: unknown): Promise<void> {
    const link = this.#connectedLink('sendMessage');
    const config = this.config;
    let bytes: Uint8Array;
    if (type === config.notFoundType) bytes = config.encodeNotFound();
    else {
      bytes = new Uint8Array(config.messageByteLength(type as never, data as never));
      config.encodeMessageInto(type as never, data as never, bytes, 0);
    }
    await link.send(bytes);
  }

  /**
   * The next message from the server as `[type, data]`: NOT_FOUND as `[notFoundType, {}]`, a type
   * outside the protocol as `[type, {}]`. Rejects with {@link BinaryProtocolError}: `read-timeout`
   * after `config.readTimeout` ms, `invalid-message` for bytes that are not a message,
   * `connection-closed`; over TCP each of these also disconnects, as in the package.
   */
  async receiveMessage(): Promise<ReceivedMessage> {
    // Messages that arrived before the server closed are still read, then the close is reported.
    const link = this.#link;
    if (link === undefined) {
      throw new BinaryProtocolError(
        'not-connected',
        'receiveMessage: not connected; call connect(host, port) first',
      );
    }
    const message = await link.receive(this.config.readTimeout);
    return [message.type, message.value];
  }

  /** One connection, one message, no reply read: the package's `send_single`. */
  static async sendSingle(
    config: WireProtocol,
    host: string,
    port: number,
    type: number,
    data: unknown,
    options?: BinaryClientOptions,
  ): Promise<void> {
    await BinaryClient.#overOneConnection(config, host, port, options, (client) =>
      client.sendMessage(type, data),
    );
  }

  /** One connection, one message, its reply: the package's `send_and_receive_single`. */
  static async sendAndReceiveSingle(
    config: WireProtocol,
    host: string,
    port: number,
    type: number,
    data: unknown,
    options?: BinaryClientOptions,
  ): Promise<ReceivedMessage> {
    return BinaryClient.#overOneConnection(config, host, port, options, async (client) => {
      await client.sendMessage(type, data);
      return client.receiveMessage();
    });
  }

  /** Connects, runs `use`, and disconnects whatever `use` did. */
  static async #overOneConnection<R>(
    config: WireProtocol,
    host: string,
    port: number,
    options: BinaryClientOptions | undefined,
    use: (client: BinaryClient) => Promise<R>,
  ): Promise<R> {
    const client = new BinaryClient(config, options);
    await client.connect(host, port);
    try {
      return await use(client);
    } finally {
      await client.disconnect();
    }
  }

  /** A client for one server that opens a connection per call: the package's `create_single_use`. */
  static createSingleUse(
    config: WireProtocol,
    host: string,
    port: number,
    options?: BinaryClientOptions,
  ): SingleUseClient {
    return new SingleUseClient(config, host, port, options);
  }

  #connectedLink(what: string): ClientLink {
    const link = this.#link;
    if (link === undefined || !link.open) {
      this.#link = undefined;
      throw new BinaryProtocolError(
        'not-connected',
        `${what}: not connected; call connect(host, port) first`,
      );
    }
    return link;
  }
}

/** Sends each message over a connection of its own (see {@link BinaryClient.createSingleUse}). */
export class SingleUseClient {
  readonly #config: WireProtocol;
  readonly #host: string;
  readonly #port: number;
  readonly #options: BinaryClientOptions | undefined;

  constructor(config: WireProtocol, host: string, port: number, options?: BinaryClientOptions) {
    this.#config = config;
    this.#host = host;
    this.#port = port;
    this.#options = options;
  }

  /** Connects, sends, disconnects. */
  send(type: number, data: unknown): Promise<void> {
    return BinaryClient.sendSingle(this.#config, this.#host, this.#port, type, data, this.#options);
  }

  /** Connects, sends, reads the reply, disconnects. */
  sendAndReceive(type: number, data: unknown): Promise<ReceivedMessage> {
    return BinaryClient.sendAndReceiveSingle(this.#config, this.#host, this.#port, type, data, this.#options);
  }
}
