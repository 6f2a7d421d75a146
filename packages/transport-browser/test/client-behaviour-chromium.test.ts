// The shared client behaviour suite in Debian's headless Chromium: the scenarios are bundled into
// a page (CSP without eval, same origin as the bp WebSocket endpoint) and run there with the
// browser's own WebSocket; the server side stays in Node and is driven through exposed functions.
import { fileURLToPath } from 'node:url';
import { behaviourProtocol, startBehaviourServer } from '@bp/test-kit/client-behaviour';
import { clientBehaviourSuite } from '@bp/test-kit/client-behaviour/suite';
import { TOKEN } from '@bp/test-kit/protocols';
import { listenWebSocket } from './fixtures/behaviour-server.js';
import { launchChromium } from './harness/chromium.js';
import { bundlePage } from './harness/page-server.js';

clientBehaviourSuite('browser client in Chromium', async () => {
  const script = await bundlePage(fileURLToPath(new URL('./fixtures/behaviour-page.ts', import.meta.url)));
  const [server, chromium] = await Promise.all([
    startBehaviourServer(listenWebSocket(script), behaviourProtocol),
    launchChromium(),
  ]);
  const page = await chromium.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.exposeFunction('behaviourStop', () => server.stop());
  await page.exposeFunction('behaviourStart', () => server.start());
  await page.exposeFunction('behaviourPush', (topic: string, seq: number) => server.push(topic, seq));
  await page.exposeFunction('behaviourStats', () => server.stats());
  await page.goto(`http://127.0.0.1:${server.port}/`);
  await page.waitForFunction(() => window.bpBehaviour !== undefined, undefined, { timeout: 10_000 });
  const url = `ws://127.0.0.1:${server.port}/bp`;
  return {
    async run(name) {
      const result = await page.evaluate(([n, u, t]) => window.bpBehaviour!.run(n, u, t), [
        name,
        url,
        TOKEN,
      ] as const);
      if (pageErrors.length > 0) throw new Error(`page errors: ${pageErrors.join('; ')}`);
      return result as never;
    },
    async close() {
      await chromium.close();
      await server.close();
    },
  };
});
