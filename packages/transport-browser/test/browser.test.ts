// The end-to-end scenarios in a real browser: Debian's Chromium, headless, driven by
// playwright-core. The page is bundled with esbuild and served, with a CSP that forbids eval,
// from the same 127.0.0.1 origin as the bp WebSocket endpoint.
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  expectBackpressure,
  expectFlowControl,
  expectNoFlowControl,
  expectPushes,
  expectRoundTrip,
  expectSchemaMismatch,
} from './fixtures/expectations.js';
import { TOKEN } from './fixtures/protocol.js';
import type { ScenarioName, scenarios } from './fixtures/scenarios.js';
import { startTestServer, type TestServer } from './fixtures/test-server.js';
import { type Chromium, launchChromium } from './harness/chromium.js';
import { bundlePage } from './harness/page-server.js';

describe('browser client in Chromium', () => {
  let server: TestServer;
  let chromium: Chromium;
  let page: Page;
  const pageErrors: string[] = [];
  let csp: string | undefined;

  beforeAll(async () => {
    const script = await bundlePage(fileURLToPath(new URL('./fixtures/page-entry.ts', import.meta.url)));
    [server, chromium] = await Promise.all([startTestServer({ script }), launchChromium()]);
    page = await chromium.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.exposeFunction('stopServer', () => server.stop());
    await page.exposeFunction('startServer', () => server.start());
    await page.exposeFunction('streamProgress', () => ({ ...server.stream }));
    const response = await page.goto(`${server.origin}/`);
    csp = response?.headers()['content-security-policy'];
    await page.waitForFunction(() => window.bpTest !== undefined, undefined, { timeout: 10_000 });
  });
  afterAll(async () => {
    await chromium?.close();
    await server?.close();
  });

  function run<K extends ScenarioName>(
    name: K,
    arg?: number,
  ): Promise<Awaited<ReturnType<(typeof scenarios)[K]>>> {
    return page.evaluate(([n, url, token, a]) => window.bpTest!.run(n as ScenarioName, url, token, a), [
      name,
      server.url,
      TOKEN,
      arg,
    ] as const) as never;
  }

  test('round-trips requests', async () => expectRoundTrip(await run('roundTrip')));
  test('receives server pushes through on() and messages()', async () => expectPushes(await run('pushes')));
  test('sends 10,000 messages with backpressure', async () => expectBackpressure(await run('backpressure')));
  test('receive window: a fast server cannot flood a page that stops reading', async () =>
    expectFlowControl(await run('flowControl')));
  test('control: without the receive window the server runs ahead unchecked', async () =>
    expectNoFlowControl(await run('flowControl', 0)));
  test("the browser's online event ends a long backoff at once", async () => {
    const result = await run('wakeOnOnline');
    expect(result.delays[0]).toBe(60_000);
    expect(result.reconnectedWithinBackoff).toBe(true);
  });
  test('a schema mismatch fails with schema-mismatch naming the type', async () =>
    expectSchemaMismatch(await run('schemaMismatch')));

  // Last, on the same page that ran every scenario above.
  test('ran under a CSP that forbids eval without a single violation or page error', async () => {
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(await page.evaluate(() => window.bpTest!.violations)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
