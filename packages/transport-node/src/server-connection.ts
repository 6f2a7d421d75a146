import type { Socket } from 'node:net';
import type { Session, SessionProtocol, SessionTransport } from '@bp/session';
import { TrafficCounters } from './connection-traffic.js';

/** Where a raw socket's shared 'close' listener finds its connection. */
const CONNECTION = Symbol('bp.serverConnection');

type WatchedSocket = Socket & { [CONNECTION]?: ServerConnection<any> };

/** One listener shared by every socket: it finds its connection through the socket. */
function onSocketClose(this: WatchedSocket): void {
  this[CONNECTION]?.ended();
}

/**
 * One connection a server admitted, from admission to close. A class, so that what every
 * connection needs (destroy it, read its backlog, note its close) is methods, not a few closures
 * on each, idle ones included.
 */
export class ServerConnection<P extends SessionProtocol> {
  session: Session<P> | undefined = undefined;
  /** Bytes and frames so far (live; added to the server's totals when the connection closes). */
  readonly traffic = new TrafficCounters();
  /** The session's transport once there is one (it knows its backlog). */
  transport: SessionTransport | undefined = undefined;
  // Made when `authenticate` first asks for a signal: each AbortSignal is an EventTarget with a
  // hidden class of its own, about 0.5 KB, and most connections never need one.
  #abort: AbortController | undefined;
  #aborted = false;
  // Made when the server first waits for the connection (its close): an idle one holds none.
  #closed: Promise<void> | undefined;
  #markClosed: (() => void) | undefined;

  /**
   * @param socket the raw socket, for TCP and TLS (destroying it takes a TLS socket on top with
   *   it); its 'close' ends the connection. Without one (a WebSocket session), call
   *   {@link ServerConnection.ended} when the transport closes.
   * @param release the server's bookkeeping when the connection closes (one function per server).
   */
  constructor(
    readonly address: string,
    readonly socket: Socket | undefined,
    readonly release: (connection: ServerConnection<P>) => void,
  ) {
    if (socket !== undefined) {
      (socket as WatchedSocket)[CONNECTION] = this;
      socket.on('close', onSocketClose);
    }
  }

  /** The connection ended: the server forgets it, and `closed` resolves. */
  ended(): void {
    this.release(this);
    this.#markClosed?.();
    this.#markClosed = undefined;
    this.#closed ??= Promise.resolve();
  }

  /** Resolves once the connection has closed and the server has forgotten it. */
  get closed(): Promise<void> {
    return (this.#closed ??= new Promise<void>((resolve) => {
      this.#markClosed = resolve;
    }));
  }

  /** Aborted when the connection closes (cancels a pending `authenticate`). */
  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController();
      if (this.#aborted) this.#abort.abort();
    }
    return this.#abort.signal;
  }

  /** Aborts {@link ServerConnection.signal}, now or when something first asks for it. */
  abortPending(): void {
    this.#aborted = true;
    this.#abort?.abort();
  }

  destroy(): void {
    if (this.socket !== undefined) this.socket.destroy();
    else this.transport?.destroy();
  }

  /** Bytes the transport holds that the kernel has not taken yet. */
  bufferedBytes(): number {
    // The socket transport counts its own backlog, the WebSocket one reports `bufferedAmount`.
    const transport = this.transport as { bufferedBytes?: number; bufferedAmount?: number } | undefined;
    if (transport !== undefined) return transport.bufferedBytes ?? transport.bufferedAmount ?? 0;
    return this.socket?.writableLength ?? 0;
  }
}
