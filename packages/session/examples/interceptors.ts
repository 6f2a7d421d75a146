import { ProtocolConfig, string, struct, u32 } from '@bp/codec';
import {
  ApplicationError,
  createClientSession,
  createMemoryTransportPair,
  createServerSession,
  type Interceptor,
} from '@bp/session';

enum Type {
  GET = 1,
  VALUE = 2,
}

const protocol = new ProtocolConfig({
  messageTypeEnum: Type,
  messageStructures: {
    [Type.GET]: struct({ key: string() }),
    [Type.VALUE]: struct({ key: string(), value: u32 }),
  },
  responses: { [Type.GET]: Type.VALUE },
});

export async function main(): Promise<string[]> {
  const log: string[] = [];

  // Server side: refuse calls without a tenant (a typed error, the handler never runs) ...
  const requireTenant: Interceptor<typeof protocol> = (next) => async (call) => {
    if (call.direction === 'incoming' && call.metadata.tenant === undefined) {
      throw new ApplicationError(1401, `${call.typeName} needs a tenant`);
    }
    return next(call);
  };
  // ... and log every call with its outcome and time.
  const timing: Interceptor<typeof protocol> = (next) => async (call) => {
    const started = performance.now();
    try {
      return await next(call);
    } finally {
      const ms = performance.now() - started;
      log.push(`server: ${call.direction} ${call.typeName} (${ms >= 0 ? 'timed' : '?'})`);
    }
  };

  const [serverEnd, clientEnd] = createMemoryTransportPair();
  const server = createServerSession({
    protocol,
    transport: serverEnd,
    interceptors: [timing, requireTenant],
    handlers: {
      [Type.GET]: ({ key }, { metadata, replyMetadata }) => {
        replyMetadata['served-for'] = metadata.tenant ?? '';
        return { key, value: key.length };
      },
    },
  });
  serverEnd.attach(server);

  // Client side: every call carries a trace id, added by an interceptor.
  const trace: Interceptor<typeof protocol> = (next) => (call) =>
    next({
      ...call,
      metadata: { ...call.metadata, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
  const client = createClientSession({ protocol, transport: clientEnd, interceptors: [trace] });
  clientEnd.attach(client);

  const reply = await client.request(
    Type.GET,
    { key: 'answer' },
    {
      metadata: { tenant: 'acme' },
      onReplyMetadata: (metadata) => log.push(`client: served for ${metadata['served-for']}`),
    },
  );
  log.push(`client: ${reply.key} = ${reply.value}`);

  await client.request(Type.GET, { key: 'answer' }).catch((error: ApplicationError) => {
    log.push(`client: refused with ${error.wireCode}: ${error.message}`);
  });
  await client.close();
  return log;
}
