import type { MessageValue } from '@bp/codec';
import type { Session } from '@bp/session';
import { type DemoMessage, type DemoProtocol, demoProtocol } from '../schema.js';
import type { DemoMetrics, TransportName } from './metrics.js';
import type { Peer } from './peer.js';

/** What the server keeps about one connection. */
export interface ConnectionRecord {
  readonly transport: TransportName;
  /** `tcp-3`, `ws-12`: names readings a client publishes without a source. */
  readonly name: string;
  readonly remoteAddress: string | undefined;
  /** The session, wrapped so that everything pushed to it is counted. */
  readonly peer: Peer;
}

// Frame header (4 bytes) plus the request id of REQUEST/RESPONSE frames (4 bytes): PROTOCOL.md 3.2.
const FRAME_HEADER = 4;
const REQUEST_ID = 4;

/**
 * Tracks open connections per transport for the metrics, names them, and wraps each session in a
 * {@link Peer} that counts what the services push. Frame and byte counts are of bp application
 * frames (MESSAGE, REQUEST, RESPONSE), computed exactly from the schema; handshake and heartbeat
 * frames are not counted.
 */
export class ConnectionRegistry {
  readonly #metrics: DemoMetrics;
  readonly #records = new WeakMap<object, ConnectionRecord>();
  readonly #open = new Set<Session<DemoProtocol>>();
  #counter = 0;

  constructor(metrics: DemoMetrics) {
    this.#metrics = metrics;
  }

  /** Connections open now, all transports. */
  get size(): number {
    return this.#open.size;
  }

  /** Registers a new session; it is forgotten (and its gauge decremented) when it closes. */
  add(
    session: Session<DemoProtocol>,
    transport: TransportName,
    remoteAddress: string | undefined,
  ): ConnectionRecord {
    const metrics = this.#metrics;
    const name = `${transport}-${++this.#counter}`;
    const frames = metrics.frames.labels(transport, 'out');
    const bytes = metrics.bytes.labels(transport, 'out');
    const peer: Peer = {
      send<T extends DemoMessage>(type: T, value: MessageValue<DemoProtocol, T>): boolean {
        const accepted = session.send(type as never, value as never);
        frames.inc();
        bytes.inc(FRAME_HEADER + demoProtocol.messageByteLength(type as never, value as never));
        return accepted;
      },
      drained: () => session.drained(),
      onClose: (listener) => session.onClose(listener),
    };
    const record: ConnectionRecord = { transport, name, remoteAddress, peer };
    this.#records.set(session, record);
    this.#open.add(session);
    metrics.connections.inc({ transport });
    metrics.connectionsTotal.inc({ transport });
    session.onClose(() => {
      this.#open.delete(session);
      metrics.connections.dec({ transport });
    });
    return record;
  }

  /** The record of a session, when it was registered. */
  get(session: object): ConnectionRecord | undefined {
    return this.#records.get(session);
  }

  /** Counts one received application frame of `session`. */
  countIn(session: object, type: DemoMessage, value: unknown, isRequest: boolean): void {
    const transport = this.#records.get(session)?.transport;
    if (transport === undefined) return;
    this.#metrics.frames.inc({ transport, direction: 'in' });
    this.#metrics.bytes.inc(
      { transport, direction: 'in' },
      FRAME_HEADER +
        (isRequest ? REQUEST_ID : 0) +
        demoProtocol.messageByteLength(type as never, value as never),
    );
  }

  /** Counts one RESPONSE sent to `session`. */
  countReply(session: object, type: DemoMessage, value: unknown): void {
    const transport = this.#records.get(session)?.transport;
    if (transport === undefined) return;
    this.#metrics.frames.inc({ transport, direction: 'out' });
    this.#metrics.bytes.inc(
      { transport, direction: 'out' },
      FRAME_HEADER + REQUEST_ID + demoProtocol.messageByteLength(type as never, value as never),
    );
  }
}
