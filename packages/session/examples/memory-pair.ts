import { ProtocolConfig, string, struct, u32 } from '@bp/codec';
import { createClientSession, createMemoryTransportPair, createServerSession } from '@bp/session';

enum Type {
  GET = 1,
  VALUE = 2,
  CHANGED = 3,
}

const protocol = new ProtocolConfig({
  messageTypeEnum: Type,
  messageStructures: {
    [Type.GET]: struct({ key: string() }),
    [Type.VALUE]: struct({ key: string(), value: u32 }),
    [Type.CHANGED]: struct({ key: string() }),
  },
  responses: { [Type.GET]: Type.VALUE }, // a GET request is answered by a VALUE
});

export async function main(): Promise<string[]> {
  const log: string[] = [];
  const store = new Map([['answer', 42]]);
  const [serverEnd, clientEnd] = createMemoryTransportPair();

  const server = createServerSession({
    protocol,
    transport: serverEnd,
    auth: { token: 'secret' },
    handlers: {
      // The return value is the reply, typed as VALUE's value.
      [Type.GET]: ({ key }) => ({ key, value: store.get(key) ?? 0 }),
    },
  });
  serverEnd.attach(server);

  const client = createClientSession({ protocol, transport: clientEnd, token: 'secret' });
  clientEnd.attach(client);
  client.on(Type.CHANGED, ({ key }) => log.push(`server says ${key} changed`));

  await client.ready;
  const reply = await client.request(Type.GET, { key: 'answer' }, { timeout: 1000 });
  log.push(`answer = ${reply.value}`);

  server.send(Type.CHANGED, { key: 'answer' }); // the server can push too
  await client.request(Type.GET, { key: 'other' });

  await client.close(); // GOODBYE, drain, end
  log.push(`client ${client.state}, server ${server.state}`);
  return log;
}
