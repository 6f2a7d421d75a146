import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Which listener a connection came through; the label of the per-transport metrics. */
export type TransportName = 'tcp' | 'tls' | 'ws';

/**
 * The server's Prometheus metrics, in a registry of its own (not prom-client's global one) so
 * several servers in one process, as in the tests, do not share counters.
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
  readonly frames = new Counter({
    name: 'bp_demo_frames_total',
    help: 'bp messages received (in) and sent (out), by transport.',
    labelNames: ['transport', 'direction'] as const,
    registers: [this.registry],
  });
  readonly bytes = new Counter({
    name: 'bp_demo_bytes_total',
    help: 'Bytes received (in) and sent (out) on bp connections, by transport.',
    labelNames: ['transport', 'direction'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'bp_demo_errors_total',
    help: 'Errors by stable error code (protocol, authentication, handler and store errors).',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'bp_demo_request_duration_seconds',
    help: 'Time from a request arriving to its reply being produced, by request type.',
    labelNames: ['type'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
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

  /** The text exposition format and its content type, for GET /metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
