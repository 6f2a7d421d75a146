import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoMessage } from '../src/schema.js';
import { closeClients, tcpClient } from './helpers/clients.js';
import {
  APP_ROOT,
  type DemoProcess,
  removeDataDirs,
  startDemoProcess,
  stopAllDemoProcesses,
} from './helpers/demo-process.js';

// Debian's Chromium; never a downloaded browser.
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = join(APP_ROOT, 'test-results/dashboard.png');

let demo: DemoProcess;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  demo = await startDemoProcess({ args: ['--sensor-rate', '20'] });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
});

afterAll(async () => {
  await browser?.close();
  await closeClients();
  await stopAllDemoProcesses();
  removeDataDirs();
});

const text = (selector: string) => page.locator(selector).textContent();

describe('the dashboard in headless Chromium', () => {
  it('asks for the token without one', async () => {
    const response = await page.goto(`http://127.0.0.1:${demo.httpPort}/`);
    expect(response?.status()).toBe(401);
    expect(await page.locator('h1').textContent()).toBe('Token required');
  });

  it('connects, sets a key through the form that a TCP client reads, and shows a watched key live', async () => {
    // The 401 page above logs its own status as a console error; only the dashboard's count.
    consoleErrors.length = 0;
    await page.goto(`http://127.0.0.1:${demo.httpPort}/?token=${encodeURIComponent(demo.token)}`);
    await page.locator('#state[data-state="open"]').waitFor({ timeout: 15_000 });

    await page.fill('#kv-key', 'from-browser');
    await page.fill('#kv-value', 'hello from chromium');
    await page.click('#kv-set');
    await page.locator('#kv-result', { hasText: 'created from-browser' }).waitFor();
    const tcp = await tcpClient(demo);
    expect(await tcp.request(DemoMessage.KV_GET, { key: 'from-browser' })).toEqual({
      value: 'hello from chromium',
    });

    await page.click('#kv-watch');
    const row = page.locator('#watched tr[data-key="from-browser"]');
    await row.locator('td', { hasText: 'hello from chromium' }).waitFor();
    await tcp.request(DemoMessage.KV_SET, { key: 'from-browser', value: 'changed over tcp' });
    await row.locator('td', { hasText: 'changed over tcp' }).waitFor();

    await page.click('#kv-list');
    await page.locator('#kv-result', { hasText: 'from-browser = changed over tcp' }).waitFor();
  });

  it('charts the sensors and shows live counters', async () => {
    await page.waitForFunction(
      () => Number(document.getElementById('readings')?.textContent) >= 20,
      undefined,
      {
        timeout: 15_000,
      },
    );
    const values = await page.locator('.chart .value').allTextContents();
    expect(values).toHaveLength(4);
    for (const value of values) expect(Number(value)).not.toBeNaN();
    expect(Number(values[0])).toBeGreaterThan(10);
    expect(await text('#sensor-source')).toMatch(/simulated by sim-\d+ at 20\/s/);
    await page.waitForFunction(
      () => /ms$/.test(document.getElementById('rtt')?.textContent ?? ''),
      undefined,
      {
        timeout: 10_000,
      },
    );
    await page.waitForFunction(
      () => Number(document.getElementById('msgs-rate')?.textContent) > 0,
      undefined,
      {
        timeout: 10_000,
      },
    );
  });

  it('publishes a reading that a TCP subscriber receives', async () => {
    const tcp = await tcpClient(demo);
    const sources: string[] = [];
    tcp.on(DemoMessage.SENSOR_DATA, (r) => sources.push(r.source));
    await tcp.request(DemoMessage.SENSOR_SUBSCRIBE, { status: false });
    await page.click('#publish');
    const deadline = Date.now() + 10_000;
    while (!sources.includes('dashboard') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(sources).toContain('dashboard');
  });

  it('renders something worth looking at (screenshot is not blank, the charts have lines)', async () => {
    mkdirSync(join(APP_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const page_ = pixelStats(PNG.sync.read(readFileSync(SCREENSHOT)));
    expect(page_.width).toBeGreaterThan(1000);
    expect(page_.variance).toBeGreaterThan(200);
    expect(page_.colours).toBeGreaterThan(50);
    // The chart area alone: white until the lines are drawn.
    const charts = pixelStats(PNG.sync.read(await page.locator('#charts').screenshot()));
    expect(charts.variance).toBeGreaterThan(50);
    expect(charts.colours).toBeGreaterThan(20);
    expect(consoleErrors).toEqual([]);
  });
});

/** Luminance variance and distinct colours over a grid of samples: near zero for a blank image. */
function pixelStats(png: PNG): { width: number; variance: number; colours: number } {
  const samples: number[] = [];
  const colours = new Set<number>();
  for (let y = 0; y < png.height; y += 3) {
    for (let x = 0; x < png.width; x += 3) {
      const i = (y * png.width + x) * 4;
      const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
      samples.push(0.299 * r + 0.587 * g + 0.114 * b);
      colours.add((r << 16) | (g << 8) | b);
    }
  }
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const variance = samples.reduce((a, b) => a + (b - mean) ** 2, 0) / samples.length;
  return { width: png.width, variance, colours: colours.size };
}
