import type { ConnectionTraffic } from '@bp/transport-node';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** Which listener a connection came through; the label of the per-transport metrics. */
export type TransportName = 'tcp' | 'tls' | 'ws';

/** Bytes and frames in and out since start, per transport. */
export type TrafficTotals = ReadonlyMap<TransportName, ConnectionTraffic>;

function readTraffic(): TrafficTotals {
  return new Map();
}

/**
 * The server's Prometheus metrics, in a registry of its own (not prom-client's global one) so
 * several servers in one process, as in the tests, do not share counters. The per-call metrics
 * (`bp_demo_calls_total`, `bp_demo_call_duration_seconds`, ...) are @bp/prometheus's, registered
 * here by the server's interceptor.
 */
export class DemoMetrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({
    name: 'bp_demo_connections',
    help: 'Open bp connections, by transport.',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });
  readonly connectionsTotal = new Counter({
    name: 'bp_demo_connections_total',
    help: 'bp connections accepted since start, by transport.',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });
  #traffic: () => TrafficTotals = readTraffic;
  // Both read @bp/transport-node's per-connection counters at scrape time (see readTrafficFrom).
  readonly frames = (() => {
    const metrics = this;
    return new Counter({
      name: 'bp_demo_frames_total',
      help: 'bp frames of every kind (handshake, heartbeats, goodbye, errors included) received (in) and sent (out), by transport.',
      labelNames: ['transport', 'direction'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [transport, traffic] of metrics.#traffic()) {
          this.inc({ transport, direction: 'in' }, traffic.framesRead);
          this.inc({ transport, direction: 'out' }, traffic.framesWritten);
        }
      },
    });
  })();
  readonly bytes = (() => {
    const metrics = this;
    return new Counter({
      name: 'bp_demo_bytes_total',
      help: 'Bytes of bp frames received (in) and sent (out), by transport (without TLS or WebSocket framing).',
      labelNames: ['transport', 'direction'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [transport, traffic] of metrics.#traffic()) {
          this.inc({ transport, direction: 'in' }, traffic.bytesRead);
          this.inc({ transport, direction: 'out' }, traffic.bytesWritten);
        }
      },
    });
  })();
  readonly errors = new Counter({
    name: 'bp_demo_errors_total',
    help: 'Errors by stable error code (protocol, authentication, handler and store errors).',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Present from the start, so a scrape shows every transport even before its first client.
    for (const transport of ['tcp', 'tls', 'ws'] as const) {
      this.connections.set({ transport }, 0);
      this.connectionsTotal.inc({ transport }, 0);
    }
  }

  /**
   * Where `bp_demo_frames_total` and `bp_demo_bytes_total` read their values at each scrape:
   * totals since start, which only grow (the connection registry keeps those of closed
   * connections).
   */
  readTrafficFrom(source: () => TrafficTotals): void {
    this.#traffic = source;
  }

  /** The text exposition format and its content type, for GET /metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
