import type { BehaviourProtocol } from './protocol.js';

/** A state change as both bp clients report it. */
export interface ObservedChange {
  readonly state: string;
  readonly previous: string;
  readonly error?: Error | undefined;
  readonly attempt: number;
  readonly delay?: number | undefined;
}

/**
 * The surface both bp clients share (`@bp/transport-node`'s `Client`, `@bp/transport-browser`'s
 * `WebSocketClient`), declared here so the suite depends on neither.
 */
export interface BehaviourClient {
  readonly state: string;
  readonly queued: number;
  readonly reconnects: number;
  readonly ready: Promise<void>;
  request(type: number, value: unknown, options?: { timeout?: number; signal?: AbortSignal }): Promise<any>;
  send(type: number, value: unknown): boolean;
  on(type: number, handler: (value: any) => void): () => void;
  messages(type: number, options?: { signal?: AbortSignal }): AsyncIterableIterator<any>;
  subscribe(type: number, value: unknown, options?: { onReply?: (reply: any) => void }): () => void;
  drained(): Promise<void>;
  connected(): Promise<void>;
  onStateChange(listener: (change: ObservedChange) => void): () => void;
  onClose(listener: (error?: Error) => void): () => void;
  close(options?: { deadline?: number }): Promise<void>;
}

/** The client options the suite varies; everything else (where to dial, TLS, token) is the dialer's. */
export interface BehaviourOptions {
  reconnect?: boolean | { initialDelay?: number; maxDelay?: number; maxAttempts?: number; jitter?: number };
  whileDisconnected?: 'queue' | 'fail';
  maxQueuedMessages?: number;
  maxQueuedBytes?: number;
  token?: string;
  limits?: { iteratorHighWaterMark?: number };
}

/** Makes clients of one platform (TCP, TLS, WebSocket in Node, WebSocket in Chromium) for the suite's server. */
export interface DialFactory {
  /** `connect(...)`: resolves once open, rejects if the first attempt fails. */
  connect(options: BehaviourOptions & { protocol: BehaviourProtocol }): Promise<BehaviourClient>;
  /** `createClient(...)`: connects in the background, retrying the first connection too. */
  create(options: BehaviourOptions & { protocol: BehaviourProtocol }): BehaviourClient;
}

/** What the server has seen, for the scenarios to compare with what the client did. */
export interface ServerStats {
  /** Server generation: 1, then +1 on every start after a stop. */
  generation: number;
  /** HOLD requests that reached a handler. */
  holds: number;
  /** SUBSCRIBE requests that reached a handler. */
  subscribes: number;
}

/** The suite's server, as a scenario drives it (in Chromium, through functions the page calls back). */
export interface ServerControl {
  /** Closes every session (GOODBYE shutdown) and stops listening; nothing answers until `start`. */
  stop(): Promise<void>;
  /** Listens again on the same port (the next generation). */
  start(): Promise<void>;
  /** Sends PUSH `{ topic, seq }` to every subscriber of `topic`; resolves with how many got it. */
  push(topic: string, seq: number): Promise<number>;
  stats(): Promise<ServerStats>;
}

/** Everything a scenario runs with. */
export interface BehaviourEnv {
  readonly dial: DialFactory;
  readonly server: ServerControl;
}
