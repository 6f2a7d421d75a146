// The browser client's end-to-end scenarios, run in Node against a real bp server's WebSocket
// endpoint on 127.0.0.1 (most failures show up here without a browser), with two WebSocket
// implementations: `ws`, and undici's WHATWG WebSocket, which Node 22+ ships as the global one.

import { WebSocket as UndiciWebSocket } from 'undici';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { WebSocket } from 'ws';
import type { WebSocketConstructor } from '../src/index.js';
import {
  expectBackpressure,
  expectFlowControl,
  expectNoFlowControl,
  expectPushes,
  expectRoundTrip,
  expectSchemaMismatch,
} from './fixtures/expectations.js';
import { TOKEN } from './fixtures/protocol.js';
import { type ScenarioEnv, scenarios } from './fixtures/scenarios.js';
import { startTestServer, type TestServer } from './fixtures/test-server.js';

describe.each([
  ['ws', WebSocket as unknown as WebSocketConstructor],
  ['undici (the global WebSocket of Node 22+)', UndiciWebSocket as unknown as WebSocketConstructor],
])('browser client in Node with %s', (_name, WebSocketImpl) => {
  let server: TestServer;
  let env: ScenarioEnv;
  beforeAll(async () => {
    server = await startTestServer();
    env = {
      url: server.url,
      token: TOKEN,
      WebSocket: WebSocketImpl,
      stopServer: () => server.stop(),
      startServer: () => server.start(),
      streamProgress: async () => ({ ...server.stream }),
    };
  });
  afterAll(async () => {
    await server?.close();
  });

  const run = <K extends keyof typeof scenarios>(name: K, arg?: number) =>
    (scenarios[name] as (env: ScenarioEnv, arg?: number) => ReturnType<(typeof scenarios)[K]>)(env, arg);

  test('round-trips requests', async () => expectRoundTrip(await run('roundTrip')));
  test('receives server pushes through on() and messages()', async () => expectPushes(await run('pushes')));
  test('sends 10,000 messages with backpressure', async () => expectBackpressure(await run('backpressure')));
  test('receive window: a fast server cannot flood a page that stops reading', async () =>
    expectFlowControl(await run('flowControl')));
  test('control: without the receive window the server runs ahead unchecked', async () =>
    expectNoFlowControl(await run('flowControl', 0)));
  test('a schema mismatch fails with schema-mismatch naming the type', async () =>
    expectSchemaMismatch(await run('schemaMismatch')));
});
