// The browser benchmark (bench/browser-bench.mjs) in real headless Chromium: a --quick run is a
// smoke test that shows every case ran in the browser, with rates and no ratios; a broken browser
// path is an error, not an empty table. These tests judge that it runs, not the speed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const script = fileURLToPath(new URL('../bench/browser-bench.mjs', import.meta.url));
const runBench = (...args: string[]) =>
  spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('browser benchmark', () => {
  test('a --quick run measures every adapter and operation in Chromium, without ratios', () => {
    const child = runBench('--quick', '--json', '--filter', '^SENSOR/');
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const run = JSON.parse(child.stdout);
    expect(run.userAgent).toMatch(/HeadlessChrome\/\d+/);
    expect(run.quick).toBe(true);
    const seen = run.cases.map(
      (c: { scenario: string; adapter: string; op: string }) => `${c.adapter}/${c.op}`,
    );
    for (const adapter of ['hand-written', 'bp-closures', 'bp-generated']) {
      for (const op of ['encodeInto', 'encode', 'decode']) expect(seen).toContain(`${adapter}/${op}`);
    }
    for (const c of run.cases) {
      expect(c.scenario).toBe('SENSOR');
      expect(c.opsPerSec).toBeGreaterThan(0);
      expect(c.ratio).toBeUndefined();
    }
  }, 130_000);

  test('a full run reports each case as a ratio to the hand-written codec, with its range', () => {
    const child = runBench('--filter', '^SENSOR/bp-closures/decode');
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/bp-closures +decode [\d.]+ [Mk]? ?\d+% \(\d+%-\d+%\)/);
    expect(child.stdout).not.toMatch(/bp-generated/);
  }, 130_000);

  test('a browser that cannot be started is an error that says which one', () => {
    const child = runBench('--quick', '--chromium', '/nonexistent/chromium');
    expect(child.status).toBe(1);
    expect(child.stderr).toMatch(/could not run \/nonexistent\/chromium/);
  });
});
