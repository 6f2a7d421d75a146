import type { LatencyPercentiles, LogHistogram } from '../stats.js';
import type { ResourceWindow } from './resource-monitor.js';

/** Figures of one realistic-benchmark client. */
export interface PerClientResult {
  client: number;
  /** Share of actions that were requests, as drawn for this client. */
  requestShare: number;
  thinkMs: number;
  subscribed: boolean;
  requests: number;
  sends: number;
  pushes: number;
  errors: number;
  latencyP50Us?: number;
  latencyP99Us?: number;
}

/** What the client process measured in one case. */
export interface ClientMeasurement {
  /** Messages completed in the window (requests answered, one-way messages the server counted, pushes received). */
  messages: number;
  durationMs: number;
  /** Application payload bytes moved in the window (requests count both directions). */
  payloadBytes: number;
  /** Bytes the client process read and wrote on its sockets in the window, when known. */
  wireBytes?: number;
  /** Messages whose content did not check out, plus messages lost. */
  errors: number;
  latency?: LatencyPercentiles;
  latencyHistogram?: LogHistogram;
  pushes?: number;
  perClient?: PerClientResult[];
  /** Idle connections: server memory before and after opening them (from the server process). */
  idle?: { connections: number; connectMs: number };
  client: ResourceWindow;
}
