import type { HandlerContext, Handlers } from '@bp/session';
import { DemoMessage, type DemoProtocol, demoProtocol } from '../schema.js';
import type { ConnectionRegistry } from './connection-registry.js';
import { DemoError } from './demo-error.js';
import type { KvService } from './kv-service.js';
import type { DemoMetrics } from './metrics.js';
import type { Peer } from './peer.js';
import { RequestGate } from './request-gate.js';
import type { SensorService } from './sensor-service.js';

/** Options of {@link createHandlers}. */
export interface HandlerDependencies {
  kv: KvService;
  sensors: SensorService;
  metrics: DemoMetrics;
  connections: ConnectionRegistry;
  /** Unexpected failures (not DemoErrors) of one-way handlers, which the session never sees. */
  onError: (error: unknown, type: DemoMessage) => void;
}

type Context = HandlerContext<DemoProtocol>;

/** LISTs one connection runs at once (each may build a reply of up to its budget); more wait. */
export const LISTS_PER_CONNECTION = 2;

/** The most a reply to this client may take: its `maxPayloadSize`, and never more than ours. */
function replyBudget(ctx: Context): number {
  const peer = ctx.session.peer?.maxPayloadSize ?? demoProtocol.maxPayloadSize;
  return Math.min(peer, demoProtocol.maxPayloadSize);
}

/**
 * The demo's handlers, one per message type a client may send. Each is wrapped to time the request
 * into the latency histogram and count failures by code (frames and bytes are counted by the
 * transport, see ConnectionRegistry).
 * A DemoError reaches the client with its own code and message; anything else as bp's generic
 * `handler-error`.
 */
export function createHandlers(deps: HandlerDependencies): Handlers<DemoProtocol> {
  const { kv, sensors, connections } = deps;
  const lists = new RequestGate(LISTS_PER_CONNECTION);
  const peerOf = (ctx: Context): Peer =>
    connections.get(ctx.session)?.peer ?? (ctx.session as unknown as Peer);
  const handlers: Handlers<DemoProtocol> = {
    [DemoMessage.ECHO]: (value) => ({ message: value.message }),
    [DemoMessage.KV_SET]: (value) => kv.set(value.key, value.value),
    [DemoMessage.KV_GET]: (value) => kv.get(value.key),
    [DemoMessage.KV_DEL]: (value) => kv.delete(value.key),
    [DemoMessage.KV_LIST]: (value, ctx) =>
      lists.run(peerOf(ctx), ctx.signal, () =>
        kv.list(value.prefix, value.limit, { after: value.after, replyBudget: replyBudget(ctx) }),
      ),
    [DemoMessage.KV_WATCH]: (value, ctx) => kv.watch(peerOf(ctx), value.key, value.prefix),
    [DemoMessage.KV_UNWATCH]: (value, ctx) => kv.unwatch(peerOf(ctx), value.key, value.prefix),
    [DemoMessage.SENSOR_SUBSCRIBE]: (value, ctx) => sensors.subscribe(ctx.session, value.status),
    [DemoMessage.SENSOR_UNSUBSCRIBE]: (_value, ctx) => {
      sensors.unsubscribe(ctx.session);
      return {};
    },
    [DemoMessage.SENSOR_DATA]: (value, ctx) => {
      sensors.publishFromClient(value, connections.get(ctx.session)?.name ?? 'client');
    },
  };
  const instrumented: Record<number, unknown> = {};
  for (const [key, handler] of Object.entries(handlers)) {
    const type = Number(key) as DemoMessage;
    instrumented[type] = instrument(type, handler as (value: unknown, ctx: Context) => unknown, deps);
  }
  return instrumented as Handlers<DemoProtocol>;
}

function instrument(
  type: DemoMessage,
  handler: (value: unknown, ctx: Context) => unknown,
  deps: HandlerDependencies,
): (value: unknown, ctx: Context) => unknown {
  const label = { type: DemoMessage[type] ?? String(type) };
  const replyType = demoProtocol.replyTypeOf(type) as DemoMessage | undefined;
  const isRequest = replyType !== undefined;
  const fail = (error: unknown) => {
    deps.metrics.errors.inc({ code: error instanceof DemoError ? error.reason : 'handler-error' });
    // Request failures reach the session, which reports them (onHandlerError); one-way ones do not.
    if (!isRequest && !(error instanceof DemoError)) deps.onError(error, type);
  };
  return (value, ctx) => {
    const stop = isRequest ? deps.metrics.requestDuration.startTimer(label) : undefined;
    let result: unknown;
    try {
      result = handler(value, ctx);
    } catch (error) {
      stop?.();
      fail(error);
      // A one-way message has no one to answer, and @bp/session rethrows a one-way handler's error
      // (which would crash the process): it is counted and logged here instead.
      if (!isRequest) return undefined;
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (reply) => {
          stop?.();
          return reply;
        },
        (error: unknown) => {
          stop?.();
          fail(error);
          throw error;
        },
      );
    }
    stop?.();
    return result;
  };
}
