// Interceptors and metadata with the browser client: in Chromium (the bundled test page) and in
// Node with `ws`, against a server whose interceptors echo metadata and refuse marked calls.
import { fileURLToPath } from 'node:url';
import { ApplicationError, type Interceptor } from '@bp/session';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import type { WebSocketConstructor } from '../src/index.js';
import { expectedValue, type protocol, TOKEN } from './fixtures/protocol.js';
import { type ScenarioEnv, scenarios } from './fixtures/scenarios.js';
import { startTestServer, type TestServer } from './fixtures/test-server.js';
import { type Chromium, launchChromium } from './harness/chromium.js';
import { bundlePage } from './harness/page-server.js';

/** What the server's interceptors saw of each incoming request's metadata. */
const seen: Record<string, string>[] = [];

const serverInterceptors: Interceptor<typeof protocol>[] = [
  (next) => async (call) => {
    if (call.direction === 'incoming') seen.push({ ...call.metadata });
    if (call.metadata.deny !== undefined) throw new ApplicationError(1403, 'denied');
    const result = await next(call);
    const { tenant, traceparent } = call.metadata;
    if (tenant === undefined) return result;
    return { ...result, metadata: { 'echo-tenant': tenant, 'echo-trace': traceparent ?? '' } };
  },
];

type Result = Awaited<ReturnType<typeof scenarios.interceptors>>;

function expectInterceptorsWork(result: Result): void {
  expect(result.reply).toEqual({ key: 'm', value: expectedValue('m') });
  expect(result.replyMetadata).toEqual([{ 'echo-tenant': 'acme', 'echo-trace': 'tp-1' }]);
  expect(result.log).toEqual(['outgoing GET ok', 'outgoing GET 1403']);
  expect(result.denied).toMatchObject({
    code: 'application-error',
    wireCode: 1403,
    message: 'denied',
    remote: true,
  });
  expect(seen).toEqual([
    { tenant: 'acme', traceparent: 'tp-1' },
    { deny: 'yes', traceparent: 'tp-1' },
  ]);
}

describe('interceptors and metadata, browser client', () => {
  let server: TestServer;
  let chromium: Chromium;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const script = await bundlePage(fileURLToPath(new URL('./fixtures/page-entry.ts', import.meta.url)));
    [server, chromium] = await Promise.all([
      startTestServer({ script, interceptors: serverInterceptors }),
      launchChromium(),
    ]);
    page = await chromium.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => window.bpTest !== undefined, undefined, { timeout: 10_000 });
  });
  afterAll(async () => {
    await chromium?.close();
    await server?.close();
  });

  test('in Chromium', async () => {
    seen.length = 0;
    const result = (await page.evaluate(([url, token]) => window.bpTest!.run('interceptors', url, token), [
      server.url,
      TOKEN,
    ] as const)) as Result;
    expectInterceptorsWork(result);
    expect(pageErrors).toEqual([]);
  });

  test('in Node with ws', async () => {
    seen.length = 0;
    const env: ScenarioEnv = {
      url: server.url,
      token: TOKEN,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      stopServer: () => server.stop(),
      startServer: () => server.start(),
      streamProgress: async () => ({ ...server.stream }),
    };
    expectInterceptorsWork(await scenarios.interceptors(env));
  });
});
