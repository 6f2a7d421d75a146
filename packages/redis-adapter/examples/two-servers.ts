import { ProtocolConfig, string, struct } from '@bp/codec';
import { createRedisAdapter } from '@bp/redis-adapter';
import { connect, createServer } from '@bp/transport-node';
import { createClient } from 'redis';

export enum NewsType {
  HEADLINE = 1,
}

export const news = new ProtocolConfig({
  messageTypeEnum: NewsType,
  messageStructures: { [NewsType.HEADLINE]: struct({ text: string() }) },
});

/** One bp server process: its own Redis client, its rooms spanning every server on that Redis. */
async function startServer(redisUrl: string) {
  const server = createServer({ protocol: news });
  server.onSession((session) => server.rooms.join(session, 'readers'));
  const redis = createClient({ url: redisUrl });
  redis.on('error', () => {}); // node-redis reconnects by itself; the adapter reports through onError
  await redis.connect();
  const adapter = await createRedisAdapter(server.rooms, {
    client: redis,
    onError: (error) => console.warn(`redis adapter: ${error.code}: ${error.message}`),
  });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  const stop = async () => {
    await adapter.close();
    await server.close();
    await redis.close();
  };
  return { server, port, stop };
}

export async function main(redisUrl: string): Promise<string[]> {
  // Two servers (in one process here; in production, one per process or machine).
  const a = await startServer(redisUrl);
  const b = await startServer(redisUrl);

  const log: string[] = [];
  let allReceived!: () => void;
  const received = new Promise<void>((resolve) => (allReceived = resolve));
  const readers = await Promise.all(
    [a, b].map(async ({ port }, i) => {
      const client = await connect({ host: '127.0.0.1', port, protocol: news });
      client.on(NewsType.HEADLINE, ({ text }) => {
        log.push(`reader on server ${i === 0 ? 'a' : 'b'}: ${text}`);
        if (log.length === 2) allReceived();
      });
      return client;
    }),
  );
  // Each reader joined 'readers' on its server (onSession) before connect() resolved.
  // Broadcast on server a: encoded once there, the frame crosses Redis, b writes the same bytes.
  a.server.rooms.broadcast(NewsType.HEADLINE, { text: 'bp spans servers' }, { to: 'readers' });
  await received;

  await Promise.all(readers.map((client) => client.close()));
  await Promise.all([a.stop(), b.stop()]);
  return log.sort();
}
