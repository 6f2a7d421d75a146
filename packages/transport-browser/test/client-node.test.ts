// The browser client's end-to-end scenarios, run in Node with `ws` as the WebSocket, against a
// real bp WebSocket endpoint on 127.0.0.1 (most failures show up here without a browser).
import { afterAll, beforeAll, describe, test } from 'vitest';
import { WebSocket } from 'ws';
import type { WebSocketConstructor } from '../src/index.js';
import {
  expectBackpressure,
  expectPushes,
  expectRestart,
  expectRoundTrip,
  expectSchemaMismatch,
  expectWrongToken,
} from './fixtures/expectations.js';
import { TOKEN } from './fixtures/protocol.js';
import { type ScenarioEnv, scenarios } from './fixtures/scenarios.js';
import { startTestServer, type TestServer } from './fixtures/test-server.js';

describe('browser client in Node (ws)', () => {
  let server: TestServer;
  let env: ScenarioEnv;
  beforeAll(async () => {
    server = await startTestServer();
    env = {
      url: server.url,
      token: TOKEN,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      restartServer: () => server.restart(),
    };
  });
  afterAll(async () => {
    await server?.close();
  });

  test('round-trips requests', async () => expectRoundTrip(await scenarios.roundTrip(env)));
  test('receives server pushes through on() and messages()', async () =>
    expectPushes(await scenarios.pushes(env)));
  test('sends 10,000 messages with backpressure', async () =>
    expectBackpressure(await scenarios.backpressure(env)));
  test('survives a server restart: reconnects, resubscribes, sends what was queued', async () =>
    expectRestart(await scenarios.restart(env)));
  test('a wrong token fails with unauthorized and is not retried', async () =>
    expectWrongToken(await scenarios.wrongToken(env)));
  test('a schema mismatch fails with schema-mismatch naming the type', async () =>
    expectSchemaMismatch(await scenarios.schemaMismatch(env)));
});
