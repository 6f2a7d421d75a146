import type { MessageName } from '../workload/messages.js';

/** Fields every benchmark case has. */
interface CaseCommon {
  /** Stable id within a run, e.g. `fixed/sensor/request-response/c64`. */
  id: string;
  /** One line for tables and plots. */
  title: string;
  /** Which benchmark type (command-line flag) the case belongs to. */
  benchmark: 'fixed' | 'variable' | 'realistic' | 'idle';
  warmupMs: number;
  durationMs: number;
}

/** One-way messages as fast as the transport takes them; the server checks every one. */
export interface StreamCase extends CaseCommon {
  kind: 'stream';
  message: MessageName;
  /** Blob bytes (ignored for fixed-size messages). */
  size: number;
  /** Most messages to send in the measured window (the window also ends at `durationMs`). */
  messages: number;
}

/** Requests echoed by the server, `concurrency` in flight on one connection. */
export interface RequestResponseCase extends CaseCommon {
  kind: 'request-response';
  message: MessageName;
  size: number;
  concurrency: number;
  /** Most requests in the measured window. */
  maxRequests: number;
}

/** Many clients, each with its own mix of requests, one-way messages, pushes and think time. */
export interface RealisticCase extends CaseCommon {
  kind: 'realistic';
  clients: number;
  seed: number;
  /** Relative weights of a client's actions. */
  mix: { request: number; send: number };
  /** Mean think time between actions (exponential), milliseconds; 0 for none. */
  thinkMs: number;
  /** Size distribution of requests and one-way messages (see size-distribution.ts). */
  sizes: string;
  maxSize: number;
  /** Share of clients that subscribe to server pushes. */
  pushFraction: number;
  pushIntervalMs: number;
  pushSizes: string;
}

/** Connections that connect, make one request, then sit idle while the server's memory is read. */
export interface IdleCase extends CaseCommon {
  kind: 'idle';
  connections: number;
}

/** Any benchmark case. */
export type CaseSpec = StreamCase | RequestResponseCase | RealisticCase | IdleCase;

/** Requests in flight the case uses at most on one client (HTTP sizes its pool from it). */
export function maxConcurrencyOf(spec: CaseSpec): number {
  if (spec.kind === 'request-response') return spec.concurrency;
  if (spec.kind === 'stream') return 64;
  return 4;
}

/**
 * How long a case may take in the client before it counts as stuck: its warm-up and window
 * twice over, time to open its connections, and 15 s of grace. A one-way stream also gets time
 * to deliver its whole length at 25,000 msgs/s, because some clients (gRPC's) accept messages
 * far faster than their server takes them and the window closes only when the server has them
 * all. A stuck case fails alone; the next case starts on a fresh connection.
 */
export function caseTimeoutMs(spec: CaseSpec): number {
  const work = spec.warmupMs + spec.durationMs;
  let extra = 0;
  if (spec.kind === 'idle') extra = spec.connections * 20;
  else if (spec.kind === 'realistic') extra = spec.clients * 50;
  else if (spec.kind === 'stream') extra = spec.messages / 25;
  return 15_000 + 2 * work + extra;
}
