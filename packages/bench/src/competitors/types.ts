import type { BlobValue, MessageName, Messages, StreamReport, SubscribeSpec } from '../workload/messages.js';

/**
 * What every alternative implements, so one workload runs unchanged through bp and through what
 * users would pick instead. The server echoes requests, checks one-way streams and pushes on
 * request; the client offers the calls an application makes.
 */
export interface BenchClient {
  /** Request/response: resolves with the server's echo of `value`. */
  request<M extends MessageName>(name: M, value: Messages[M]): Promise<Messages[M]>;
  /** One-way message; false when the client should wait for `drained()` before sending more. */
  send<M extends MessageName>(name: M, value: Messages[M]): boolean;
  /** Resolves when sending may go on after `send` returned false. */
  drained(): Promise<void>;
  /** The server's counts for this connection's one-way stream since the last report (sent after every one-way message, so it also marks the stream's end). */
  report(): Promise<StreamReport>;
  /** Asks the server for pushes; `onPush` runs for each one. */
  subscribe(spec: SubscribeSpec, onPush: (value: BlobValue) => void): void;
  /** Closes the connection(s). */
  close(): Promise<void>;
}

/** A running benchmark server. */
export interface BenchServer {
  /** The TCP port on 127.0.0.1. */
  readonly port: number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Settings a competitor's client needs. */
export interface ClientSettings {
  port: number;
  /** Largest number of requests in flight the workload will use (HTTP sizes its pool with it). */
  maxConcurrency: number;
}

/** One alternative in the comparison (its name and kind live in the registry). */
export interface Competitor {
  startServer(): Promise<BenchServer>;
  connect(settings: ClientSettings): Promise<BenchClient>;
}
