import type { Session } from '@bp/session';
import type { ConnectionTraffic } from '@bp/transport-node';
import type { DemoProtocol } from '../schema.js';
import type { DemoMetrics, TrafficTotals, TransportName } from './metrics.js';
import type { Peer } from './peer.js';

/** What the server keeps about one connection. */
export interface ConnectionRecord {
  readonly transport: TransportName;
  /** `tcp-3`, `ws-12`: names readings a client publishes without a source. */
  readonly name: string;
  readonly remoteAddress: string | undefined;
  /** The session, as the services push to it. */
  readonly peer: Peer;
}

const TRANSPORTS: readonly TransportName[] = ['tcp', 'tls', 'ws'];

function zero(): ConnectionTraffic {
  return { bytesRead: 0, bytesWritten: 0, framesRead: 0, framesWritten: 0 };
}

/**
 * Tracks open connections per transport for the metrics and names them. Bytes and frames come
 * from @bp/transport-node's live per-connection counters (every frame, handshake and heartbeats
 * included): connections that closed are summed once, open ones are read at each scrape.
 */
export class ConnectionRegistry {
  readonly #metrics: DemoMetrics;
  readonly #records = new WeakMap<object, ConnectionRecord>();
  readonly #open = new Map<Session<DemoProtocol>, { transport: TransportName; traffic: ConnectionTraffic }>();
  readonly #closed = new Map<TransportName, ConnectionTraffic>(TRANSPORTS.map((t) => [t, zero()]));
  #counter = 0;

  constructor(metrics: DemoMetrics) {
    this.#metrics = metrics;
    metrics.readTrafficFrom(() => this.traffic());
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
    traffic: ConnectionTraffic,
  ): ConnectionRecord {
    const metrics = this.#metrics;
    const name = `${transport}-${++this.#counter}`;
    const record: ConnectionRecord = { transport, name, remoteAddress, peer: session };
    this.#records.set(session, record);
    this.#open.set(session, { transport, traffic });
    metrics.connections.inc({ transport });
    metrics.connectionsTotal.inc({ transport });
    session.onClose(() => {
      if (!this.#open.delete(session)) return;
      const closed = this.#closed.get(transport) as { -readonly [K in keyof ConnectionTraffic]: number };
      closed.bytesRead += traffic.bytesRead;
      closed.bytesWritten += traffic.bytesWritten;
      closed.framesRead += traffic.framesRead;
      closed.framesWritten += traffic.framesWritten;
      metrics.connections.dec({ transport });
    });
    return record;
  }

  /** The record of a session, when it was registered. */
  get(session: object): ConnectionRecord | undefined {
    return this.#records.get(session);
  }

  /** Bytes and frames in and out since start, per transport: closed connections plus open ones now. */
  traffic(): TrafficTotals {
    const totals = new Map<TransportName, ConnectionTraffic>();
    for (const [transport, closed] of this.#closed) totals.set(transport, { ...closed });
    for (const { transport, traffic } of this.#open.values()) {
      const total = totals.get(transport) as { -readonly [K in keyof ConnectionTraffic]: number };
      total.bytesRead += traffic.bytesRead;
      total.bytesWritten += traffic.bytesWritten;
      total.framesRead += traffic.framesRead;
      total.framesWritten += traffic.framesWritten;
    }
    return totals;
  }
}
