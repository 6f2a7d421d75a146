// The README's browser example, run as a user would: app.ts bundled for the browser, server.ts
// bundled for Node and started as its own process, the page opened in headless Chromium.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, expect, test } from 'vitest';
import { type Chromium, launchChromium } from './harness/chromium.js';

const example = (file: string) => fileURLToPath(new URL(`../examples/browser/${file}`, import.meta.url));
// Inside this package's node_modules, so the server bundle resolves @bp/* and ws at run time.
const work = fileURLToPath(new URL('../node_modules/.cache/bp-browser-example/', import.meta.url));

let server: ChildProcess | undefined;
let chromium: Chromium | undefined;
afterAll(async () => {
  server?.kill('SIGKILL');
  await chromium?.close();
  rmSync(work, { recursive: true, force: true });
});

test('the README browser example connects, requests and receives pushes under its CSP', async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await build({
    entryPoints: [example('app.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    outfile: `${work}dist/app.js`,
    logLevel: 'silent',
  });
  await build({
    entryPoints: [example('server.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    outfile: `${work}server.mjs`,
    logLevel: 'silent',
  });
  const child = spawn(process.execPath, ['server.mjs'], {
    cwd: work,
    env: { ...process.env, PORT: '0', BP_TOKEN: 'dev-token' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening on (http:\/\/\S+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });

  chromium = await launchChromium();
  const page = await chromium.context.newPage();
  const logs: string[] = [];
  const errors: string[] = [];
  page.on('console', (message) => logs.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/`);
  // The title changes with each SENSOR_DATA push, which needs connect + subscribe to have worked.
  await page.waitForFunction(() => /^\d\.\d{3}$/.test(document.title), undefined, { timeout: 15_000 });
  expect(logs).toContain('a = 1');
  expect(errors).toEqual([]);
  expect(logs.filter((line) => /Content Security Policy|Refused/.test(line))).toEqual([]);
});

test('the README shows exactly the example files', () => {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
  expect(blocks.slice(0, 3)).toEqual(
    ['protocol.ts', 'server.ts', 'app.ts'].map((file) => readFileSync(example(file), 'utf8')),
  );
});
