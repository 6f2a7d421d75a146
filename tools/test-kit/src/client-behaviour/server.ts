import { expectedValue } from '../protocols.js';
import { type BehaviourProtocol, BehaviourType } from './protocol.js';
import type { ServerControl, ServerStats } from './types.js';

/** The part of a bp server session the suite's handlers use. */
interface PeerSession {
  readonly state: string;
  send(type: number, value: unknown): boolean;
  onClose(listener: () => void): () => void;
}

type HandlerContext = { readonly session: PeerSession; readonly signal: AbortSignal };

/** The suite's server handlers, keyed by message type (pass them as the server's `handlers`). */
export type BehaviourHandlers = Record<number, (value: any, context: HandlerContext) => unknown>;

/** One listening generation of the server, as a platform starts it. */
export interface Listening {
  /** The port it listens on (the first call picks one; later calls get it back). */
  readonly port: number;
  /** Graceful shutdown (GOODBYE, a short drain deadline), then stop listening. */
  close(): Promise<void>;
}

/** Starts a bp server with `handlers` for `protocol` on `port` (0: any), TCP, TLS or WebSocket. */
export type Listen = (
  port: number,
  handlers: BehaviourHandlers,
  protocol: BehaviourProtocol,
) => Promise<Listening>;

/** A running suite server and its controls. */
export interface BehaviourServer extends ServerControl {
  readonly port: number;
  /** Stops for good (also fine when stopped). */
  close(): Promise<void>;
}

/**
 * The server side of the shared client behaviour suite, on any platform's listener. Counts NOTEs
 * in order, answers GET and COUNT, keeps SUBSCRIBE subscribers for `push`, holds HOLD requests.
 */
export async function startBehaviourServer(
  listen: Listen,
  protocol: BehaviourProtocol,
): Promise<BehaviourServer> {
  const stats: ServerStats = { generation: 1, holds: 0, subscribes: 0 };
  const counted = { received: 0, checksum: 0, outOfOrder: 0, lastSeq: -1 };
  let subscribers = new Map<string, Set<PeerSession>>();
  const handlers: BehaviourHandlers = {
    [BehaviourType.GET]: ({ key }) => ({ key, value: expectedValue(key) }),
    [BehaviourType.NOTE]: ({ seq }) => {
      if (seq !== counted.lastSeq + 1) counted.outOfOrder++;
      counted.lastSeq = seq;
      counted.received++;
      counted.checksum = (counted.checksum + seq) >>> 0;
    },
    [BehaviourType.COUNT]: ({ reset }) => {
      const reply = {
        received: counted.received,
        checksum: counted.checksum,
        outOfOrder: counted.outOfOrder,
      };
      if (reset !== 0) Object.assign(counted, { received: 0, checksum: 0, outOfOrder: 0, lastSeq: -1 });
      return reply;
    },
    [BehaviourType.SUBSCRIBE]: ({ topic }, { session }) => {
      stats.subscribes++;
      let set = subscribers.get(topic);
      if (set === undefined) subscribers.set(topic, (set = new Set()));
      const subscribed = set;
      subscribed.add(session);
      session.onClose(() => subscribed.delete(session));
      return { topic, generation: stats.generation };
    },
    [BehaviourType.HOLD]: async ({ ms }, { signal }) => {
      stats.holds++;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return { ms };
    },
  };
  let current: Listening | undefined = await listen(0, handlers, protocol);
  const port = current.port;
  const stop = async (): Promise<void> => {
    const listening = current;
    current = undefined;
    subscribers = new Map();
    await listening?.close();
  };
  return {
    port,
    stop,
    async start() {
      if (current !== undefined) return;
      stats.generation++;
      current = await listen(port, handlers, protocol);
    },
    async push(topic, seq) {
      let sent = 0;
      for (const session of subscribers.get(topic) ?? []) {
        if (session.state !== 'open') continue;
        session.send(BehaviourType.PUSH, { topic, seq, generation: stats.generation });
        sent++;
      }
      return sent;
    },
    async stats() {
      return { ...stats };
    },
    close: stop,
  };
}
