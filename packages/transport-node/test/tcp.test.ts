import { afterEach, describe, expect, test } from 'vitest';
import { type Client, connect, type Server } from '../src/index.js';
import { expectedValue, MessageType, protocol, type TestProtocol, TOKEN } from './fixtures/protocol.js';
import { startServer } from './fixtures/server.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function setup(): Promise<{
  server: Server<TestProtocol>;
  port: number;
  client: Client<TestProtocol>;
}> {
  const { server, port } = await startServer();
  cleanups.push(() => server.close({ deadline: 500 }));
  const client = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN });
  cleanups.push(() => client.close({ deadline: 500 }));
  return { server, port, client };
}

describe('TCP', () => {
  test('request/response round trip', async () => {
    const { server, client } = await setup();
    expect(server.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    const value = await client.request(MessageType.GET, { key: 'a' });
    expect(value).toEqual({ key: 'a', value: expectedValue('a') });
    expect(server.connections).toBe(1);
  });
});
