// Schema evolution through the WebSocket client, in Node (with `ws`) and in Chromium: old and
// new clients and servers exchange messages, requests, replies and pushes; an incompatible
// client is refused with the named field; a version-1 client still works.
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { WebSocket } from 'ws';
import type { WebSocketConstructor } from '../src/index.js';
import {
  expectIncompatible,
  expectNewClientOldServer,
  expectOldClientNewServer,
  expectVersionOne,
} from './fixtures/evolution-expectations.js';
import { type EvolutionScenario, evolutionScenarios } from './fixtures/evolution-scenarios.js';
import { type EvolutionServers, startEvolutionServers } from './fixtures/evolution-server.js';
import { type Chromium, launchChromium } from './harness/chromium.js';
import { bundlePage } from './harness/page-server.js';

type Runner = <K extends EvolutionScenario>(
  name: K,
) => Promise<Awaited<ReturnType<(typeof evolutionScenarios)[K]>>>;

function suite(
  name: string,
  setup: () => Promise<{ servers: EvolutionServers; run: Runner; close(): Promise<void> }>,
) {
  describe(name, () => {
    let servers: EvolutionServers;
    let run: Runner;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ servers, run, close } = await setup());
    }, 60_000);
    afterAll(async () => close?.());

    test('old client, new server', async () =>
      expectOldClientNewServer(await run('oldClientNewServer'), servers));
    test('new client, old server', async () =>
      expectNewClientOldServer(await run('newClientOldServer'), servers));
    test('an incompatible client is refused with the named field', async () =>
      expectIncompatible(await run('incompatible')));
    test('a version-1 client still works', async () => expectVersionOne(await run('versionOne')));
  });
}

suite('in Node, with ws', async () => {
  const servers = await startEvolutionServers();
  const env = { base: servers.base, WebSocket: WebSocket as unknown as WebSocketConstructor };
  return {
    servers,
    run: ((name: EvolutionScenario) => evolutionScenarios[name](env)) as Runner,
    close: () => servers.close(),
  };
});

suite('in Chromium', async () => {
  const script = await bundlePage(fileURLToPath(new URL('./fixtures/evolution-page.ts', import.meta.url)));
  const [servers, chromium]: [EvolutionServers, Chromium] = await Promise.all([
    startEvolutionServers(script),
    launchChromium(),
  ]);
  const page: Page = await chromium.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${servers.origin}/`);
  await page.waitForFunction(() => window.bpEvolution !== undefined, undefined, { timeout: 10_000 });
  return {
    servers,
    run: ((name: EvolutionScenario) =>
      page.evaluate(([n, base]) => window.bpEvolution!.run(n as EvolutionScenario, base), [
        name,
        servers.base,
      ] as const)) as Runner,
    async close() {
      await chromium.close();
      await servers.close();
      if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    },
  };
});
