import type { HandlerContext, Handlers } from '@bp/session';
import { DemoMessage, type DemoProtocol, demoProtocol } from '../schema.js';
import type { ConnectionRegistry } from './connection-registry.js';
import type { KvService } from './kv-service.js';
import type { Peer } from './peer.js';
import { RequestGate } from './request-gate.js';
import type { SensorService } from './sensor-service.js';

/** Options of {@link createHandlers}. */
export interface HandlerDependencies {
  kv: KvService;
  sensors: SensorService;
  connections: ConnectionRegistry;
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
 * The demo's handlers, one per message type a client may send. They are timed and counted by the
 * server's interceptors (@bp/prometheus and errorCounter, see demo-server.ts; frames and bytes are
 * counted by the transport, see ConnectionRegistry).
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
  return handlers;
}
