import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Chromium, launchChromium } from './harness/chromium.js';
import { type PageServer, startPageServer } from './harness/page-server.js';

// The browser suite asserts that no CSP violation fires while bp runs; this is the control that
// shows the same page set-up does see one when code uses eval.
const EVAL_PROBE = `
const seen = [];
document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
let evalWorked;
try { evalWorked = new Function('return 1')() === 1; } catch { evalWorked = false; }
setTimeout(() => { window.probe = { evalWorked, seen }; }, 50);
`;

describe('browser harness', () => {
  let chromium: Chromium;
  let pages: PageServer;
  beforeAll(async () => {
    [chromium, pages] = await Promise.all([launchChromium(), startPageServer(EVAL_PROBE)]);
  });
  afterAll(async () => {
    await chromium?.close();
    await pages?.close();
  });

  test('the CSP forbids eval and the page observes the violation event', async () => {
    const page = await chromium.context.newPage();
    await page.goto(`${pages.origin}/`);
    await page.waitForFunction(() => (window as any).probe !== undefined, undefined, { timeout: 10_000 });
    const probe = await page.evaluate(() => (window as any).probe);
    expect(probe.evalWorked).toBe(false);
    expect(probe.seen.length).toBeGreaterThan(0);
    expect(probe.seen[0]).toMatch(/^script-src/);
    await page.close();
  });
});
