// The codec bench's reports: a --quick run is a smoke test, so it prints what ran, not ratios to
// the hand-written codec or target verdicts; a full run prints both. The suite runs for real,
// with rounds of a millisecond: these tests judge the report, not the speed.
import { describe, expect, test } from 'vitest';

// The bench is plain JavaScript without declarations: loaded by URL, its modules are `any` here.
const bench = (file: string) => import(new URL(`../bench/${file}`, import.meta.url).href);
const { adapters, runCodecBench } = await bench('codec-suite.mjs');
const { formatMarkdown, formatText } = await bench('report.mjs');
const { scenarios } = await bench('scenarios.mjs');

const tiny = { sampleMs: 1, warmupMs: 1, rounds: 2, allocTrials: 1 };
const run = (quick: boolean) =>
  runCodecBench({
    quick,
    timing: tiny,
    scenarios: scenarios.filter((s: { id: string }) => s.id === 'SENSOR'),
    adapters: adapters.filter((a: { id: string }) => ['hand-written', 'bp'].includes(a.id)),
  });

/** The lines of a report's per-codec table rows (text or Markdown). */
function tableRows(report: string): string[] {
  return report.split('\n').filter((line) => /^(\| )?(\*\*)?(hand-written|bp \()/.test(line));
}

describe('codec bench reports', () => {
  test('a --quick run says everything ran, with ops/s but no ratio and no verdict', async () => {
    const results = await run(true);
    expect(results.quick).toBe(true);
    for (const report of [formatText(results), formatMarkdown(results)]) {
      expect(report).toContain('smoke run (--quick)');
      const rows = tableRows(report);
      expect(rows.map((r) => r.replace(/^\W*/, '').slice(0, 6))).toEqual(['hand-w', 'bp (de']);
      for (const row of rows) expect(row).not.toContain('%');
      expect(report).not.toMatch(/\b(MET|MISS)\b|met\?/);
    }
  }, 60_000);

  test('a full run prints the ratios and the targets', async () => {
    const results = await run(false);
    expect(results.quick).toBe(false);
    const text = formatText(results);
    expect(text).not.toContain('smoke run');
    for (const row of tableRows(text)) expect(row).toMatch(/\d+%/);
    expect(text).toMatch(/Targets/);
    expect(formatMarkdown(results)).toMatch(/met\?/);
  }, 60_000);
});
