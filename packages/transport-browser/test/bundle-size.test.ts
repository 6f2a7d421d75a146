// CI's bundle-size check: the small apps of scripts/size-apps/, bundled, minified and gzipped,
// must stay within the budgets of scripts/bundle-size.mjs (the figures are in the README).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

interface Report {
  total: { minified: number; gzip: number };
  own: { minified: number; gzip: number };
  codec: { minified: number; gzip: number };
  minifiedByPackage: Record<string, number>;
  budgets: { total: number; own: number; codec: number };
  comparisons: Record<string, { minified: number; gzip: number }>;
}

test('the browser bundle of codec + session + transport-browser stays within its budget', () => {
  const script = fileURLToPath(new URL('../scripts/bundle-size.mjs', import.meta.url));
  let output: string;
  try {
    output = execFileSync(process.execPath, [script, '--json'], { encoding: 'utf8' });
  } catch (error) {
    // Over budget: the script exits 1 after printing the report.
    output = (error as { stdout: string }).stdout;
  }
  const report = JSON.parse(output) as Report;
  // All three packages are in the bundle (a Node built-in anywhere would have failed the browser build).
  expect(Object.keys(report.minifiedByPackage).sort()).toEqual([
    '@bp/codec',
    '@bp/session',
    '@bp/transport-browser',
    'app',
  ]);
  expect(report.total.gzip).toBeLessThanOrEqual(report.budgets.total);
  expect(report.own.gzip).toBeLessThanOrEqual(report.budgets.own);
  expect(report.codec.gzip).toBeLessThanOrEqual(report.budgets.codec);
  // The codec-only app leaves the session and the client out entirely.
  expect(report.codec.gzip).toBeLessThan(report.total.gzip);
  // The comparison apps really bundled their libraries (a stub or a failed resolve would be tiny).
  for (const name of ['socket.io-client', 'msgpackr + WebSocket']) {
    expect(report.comparisons[name]!.gzip).toBeGreaterThan(4 * 1024);
  }
});
