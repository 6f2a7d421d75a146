import { ProtocolConfig, string, struct, u32 } from '@bp/codec';
import { connect, createServer, type Server } from '@bp/transport-node';

export enum ChatType {
  JOIN = 1,
  JOINED = 2,
  SAY = 3,
  HEARD = 4,
}

export const chat = new ProtocolConfig({
  messageTypeEnum: ChatType,
  messageStructures: {
    [ChatType.JOIN]: struct({ room: string() }),
    [ChatType.JOINED]: struct({ room: string(), members: u32 }),
    [ChatType.SAY]: struct({ room: string(), text: string() }),
    [ChatType.HEARD]: struct({ room: string(), text: string() }),
  },
  responses: { [ChatType.JOIN]: ChatType.JOINED },
});

export async function main(): Promise<string[]> {
  // Annotated: the handlers refer to `server` (its rooms) inside its own initializer.
  const server: Server<typeof chat> = createServer({
    protocol: chat,
    handlers: {
      // Membership ends by itself when the connection closes.
      [ChatType.JOIN]: ({ room }, { session }) => {
        server.rooms.join(session, room);
        return { room, members: server.rooms.members(room).size };
      },
      // Encoded once, the same bytes written to every member (TCP, TLS or WebSocket); not to the sender.
      [ChatType.SAY]: ({ room, text }, { session }) => {
        server.rooms.broadcast(ChatType.HEARD, { room, text }, { to: room, except: session });
      },
    },
  });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });

  const log: string[] = [];
  let expected = 0;
  let wake = (): void => {};
  const heard = (count: number) => {
    expected += count;
    return new Promise<void>((resolve) => {
      wake = () => log.length >= expected && resolve();
      wake();
    });
  };
  const [ann, bob, cy] = await Promise.all(
    ['ann', 'bob', 'cy'].map(async (name) => {
      const client = await connect({ host: '127.0.0.1', port, protocol: chat });
      client.on(ChatType.HEARD, ({ room, text }) => {
        log.push(`${name} heard in ${room}: ${text}`);
        wake();
      });
      return client;
    }),
  );
  await ann!.request(ChatType.JOIN, { room: 'lobby' });
  const { members } = await bob!.request(ChatType.JOIN, { room: 'lobby' });
  await cy!.request(ChatType.JOIN, { room: 'kitchen' });
  log.push(`lobby has ${members} members`);

  ann!.send(ChatType.SAY, { room: 'lobby', text: 'hello' }); // bob hears it; ann and cy do not
  await heard(2);
  // From the server, to every connection; `result` counts what happened on this server.
  const result = server.rooms.broadcast(ChatType.HEARD, { room: '*', text: 'closing soon' });
  log.push(`the server reached ${result.sent} connections`);
  await heard(4);

  await Promise.all([ann, bob, cy].map((client) => client!.close()));
  await server.close();
  return log.sort();
}
