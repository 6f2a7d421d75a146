import { until } from '@bp/test-kit/async';
import {
  expectedValue,
  TransportType as MessageType,
  transportProtocol as protocol,
  type TransportProtocol as TestProtocol,
  TOKEN,
} from '@bp/test-kit/protocols';
import { afterEach, expect, test } from 'vitest';
import { type Client, connect } from '../src/index.js';
import { startServer } from './fixtures/server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

test('500 concurrent clients connect, make requests, receive a broadcast, and close', async () => {
  const { server, port } = await startServer();
  cleanups.push(() => server.close({ deadline: 500 }));
  const clients: Client<TestProtocol>[] = await Promise.all(
    Array.from({ length: 500 }, () =>
      connect({ host: '127.0.0.1', port, protocol, token: TOKEN, connectTimeout: 20_000 }),
    ),
  );
  cleanups.push(() => Promise.all(clients.map((client) => client.close({ deadline: 500 }))));
  expect(server.connections).toBe(500);

  const replies = await Promise.all(
    clients.map((client, i) => client.request(MessageType.GET, { key: `client-${i}` })),
  );
  replies.forEach((reply, i) => {
    expect(reply).toEqual({ key: `client-${i}`, value: expectedValue(`client-${i}`) });
  });

  let received = 0;
  for (const client of clients) client.on(MessageType.STATUS, () => received++);
  let sessions = 0;
  for (const session of server.sessions()) {
    session.send(MessageType.STATUS, { code: 7, text: 'broadcast' });
    sessions++;
  }
  expect(sessions).toBe(500);
  await until(() => received === 500, 'broadcast delivered', 20_000);

  await Promise.all(clients.map((client) => client.close({ deadline: 1000 })));
  await until(() => server.connections === 0, 'all released', 20_000);
  expect(server.stats()).toMatchObject({ accepted: 500, refusedTotal: 0, refusedPerAddress: 0 });
});
