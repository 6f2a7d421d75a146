import { createClientSession, type Session } from '@bp/session';
import { until } from '@bp/test-kit/async';
import {
  expectedValue,
  TransportType as MessageType,
  transportProtocol as protocol,
  type TransportProtocol as TestProtocol,
  TOKEN,
} from '@bp/test-kit/protocols';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { connect } from '../src/index.js';
import { codeOf } from './fixtures/raw-client.js';
import { startServer } from './fixtures/server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A client session over a plain `ws` socket (the browser package does this for real). */
async function webSocketSession(
  url: string,
  token = TOKEN,
): Promise<{ session: Session<TestProtocol>; ws: WebSocket }> {
  const ws = new WebSocket(url);
  ws.binaryType = 'nodebuffer';
  ws.on('error', () => {});
  cleanups.push(() => ws.terminate());
  // A refusing server answers right after the upgrade, possibly in the same read as 'open':
  // keep what arrives before the session exists.
  let session: Session<TestProtocol> | undefined;
  const early: Buffer[] = [];
  let closedEarly = false;
  ws.on('message', (data: Buffer) => (session === undefined ? early.push(data) : session.receive(data)));
  ws.on('close', () => (session === undefined ? (closedEarly = true) : session.transportClosed()));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  session = createClientSession({
    protocol,
    token,
    transport: {
      write: (chunk) => {
        if (ws.readyState === ws.OPEN) ws.send(chunk);
        return true;
      },
      end: () => ws.close(1000),
      destroy: () => ws.terminate(),
    },
  });
  for (const data of early) session.receive(data);
  if (closedEarly) session.transportClosed();
  return { session, ws };
}

describe('server.listenWebSocket', () => {
  test('WebSocket clients share the handlers, auth, connection count and shutdown of the server', async () => {
    const { server, port } = await startServer({ limits: { maxConnections: 3 } });
    cleanups.push(() => server.close({ deadline: 100 }));
    const listener = await server.listenWebSocket({ port: 0, path: '/bp' });
    const tcp = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN, reconnect: false });
    cleanups.push(() => tcp.close({ deadline: 100 }));

    const { session, ws } = await webSocketSession(listener.url);
    await session.ready;
    expect(await session.request(MessageType.GET, { key: 'ws' })).toEqual({
      key: 'ws',
      value: expectedValue('ws'),
    });
    expect(server.connections).toBe(2);

    const intruder = await webSocketSession(listener.url, 'wrong');
    await expect(intruder.session.ready).rejects.toMatchObject({ code: 'unauthorized' });
    expect(server.stats().authFailures).toBe(1);

    // The connection limit covers WebSocket clients too.
    const third = await webSocketSession(listener.url);
    await third.session.ready;
    const fourth = await webSocketSession(listener.url);
    const refused = await fourth.session.ready.catch((e: unknown) => e);
    expect(codeOf(refused)).toBe('server-busy');

    const wsClosed = new Promise((resolve) => ws.once('close', resolve));
    await server.close({ deadline: 200 });
    await wsClosed;
    await until(() => server.connections === 0, 'all released');
    expect(tcp.state).toBe('closed');
  });
});
