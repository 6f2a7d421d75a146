import { ProtocolConfig, string, struct, u32 } from '@bp/codec';
import { ApplicationError, type Interceptor } from '@bp/session';
import { connect, createServer } from '@bp/transport-node';

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
  // Per-call authorization from metadata, for every connection (TCP, TLS and WebSocket alike).
  const tenants: Interceptor<typeof protocol> = (next) => async (call) => {
    if (call.direction === 'incoming' && call.metadata.tenant !== 'acme') {
      throw new ApplicationError(1403, `unknown tenant ${call.metadata.tenant ?? '(none)'}`);
    }
    return next(call);
  };
  const server = createServer({
    protocol,
    interceptors: [tenants],
    handlers: { [Type.GET]: ({ key }, { metadata }) => ({ key: `${metadata.tenant}/${key}`, value: 1 }) },
  });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });

  // The client adds the tenant to every call it makes.
  const withTenant: Interceptor<typeof protocol> = (next) => (call) =>
    next({ ...call, metadata: { ...call.metadata, tenant: 'acme' } });
  const client = await connect({ host: '127.0.0.1', port, protocol, interceptors: [withTenant] });
  log.push(`reply: ${(await client.request(Type.GET, { key: 'a' })).key}`);
  await client.close();

  const stranger = await connect({ host: '127.0.0.1', port, protocol });
  await stranger.request(Type.GET, { key: 'a' }).catch((error: ApplicationError) => log.push(error.message));
  await stranger.close();
  await server.close();
  return log;
}
