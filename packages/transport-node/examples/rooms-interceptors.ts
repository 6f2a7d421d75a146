import { ProtocolConfig, string, struct } from '@bp/codec';
import { ApplicationError, type Interceptor } from '@bp/session';
import { connect, createServer } from '@bp/transport-node';

enum Type {
  NEWS = 1,
}

const protocol = new ProtocolConfig({
  messageTypeEnum: Type,
  messageStructures: { [Type.NEWS]: struct({ text: string() }) },
});

export async function main(): Promise<string[]> {
  const log: string[] = [];
  // Sees each broadcast once (not once per member), may stop it, and observes what it did.
  const audit: Interceptor<typeof protocol> = (next) => async (call) => {
    if (call.kind !== 'broadcast') return next(call);
    if (call.value.text.includes('embargoed')) throw new ApplicationError(1451, 'embargoed news');
    const { broadcast } = await next(call);
    log.push(`${call.typeName} to ${call.rooms ?? 'everyone'}: ${broadcast?.sent} members`);
    return { value: undefined, metadata: {}, broadcast };
  };
  const server = createServer({
    protocol,
    interceptors: [audit],
    onHandlerError: (error) => log.push(`stopped: ${(error as Error).message}`),
  });
  server.onSession((session) => server.rooms.join(session, 'news'));
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });

  const readers = await Promise.all([1, 2, 3].map(() => connect({ host: '127.0.0.1', port, protocol })));
  const received = new Promise<void>((resolve) => {
    let count = 0;
    for (const reader of readers) reader.on(Type.NEWS, () => ++count === readers.length && resolve());
  });
  while (server.rooms.members('news').size < readers.length) await new Promise((r) => setTimeout(r, 5));

  server.rooms.broadcast(Type.NEWS, { text: 'embargoed: rates' }, { to: 'news' }); // nobody gets it
  server.rooms.broadcast(Type.NEWS, { text: 'rates unchanged' }, { to: 'news' });
  await received;

  await Promise.all(readers.map((reader) => reader.close()));
  await server.close();
  return log;
}
