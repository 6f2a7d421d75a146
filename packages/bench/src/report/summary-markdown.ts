import type { CaseResult, RunResult } from '../results.js';
import { formatMicros, formatNumber } from './format.js';
import { busyWarning, runDescription } from './report-markdown.js';
import { isJudged, smokeRunNote } from './smoke-run.js';
import { codecTargetTable, renderMarkdownTable, type Table, targetTable } from './tables.js';

/** The plots a summary shows (copied next to it), in order. */
export const SUMMARY_PLOTS = ['comparison.png', 'throughput-by-size.png'] as const;

/**
 * The headline table of a run, one row per alternative: request/response at 1 and 64 in flight
 * (req/s, p50, p99), the one-way stream of 16-byte SENSOR messages, and server memory per idle
 * connection; each with bp-tcp's ratio where it ran.
 */
export function summaryTable(run: RunResult): Table {
  const cases = new Map(run.benchmarks.flatMap((b) => b.cases.map((c) => [c.spec.id, c] as const)));
  const get = (c: CaseResult | undefined, id: string, metric: string) =>
    c?.results.find((r) => r.competitor === id && r.status === 'ok')?.summary[metric]?.median;
  const c1 = cases.get('fixed/sensor/rr-c1');
  const c64 = cases.get('fixed/sensor/rr-c64');
  const stream = cases.get('fixed/sensor/stream');
  const idle = cases.get('idle/connections');
  const show = (v: number | undefined, f: (x: number) => string) => (v === undefined ? '-' : f(v));
  return {
    title: 'Summary',
    header: [
      'alternative',
      'req/s, 1 in flight',
      'p50',
      'p99',
      'req/s, 64 in flight',
      'p50',
      'p99',
      'one-way 16 B msgs/s',
      'server RSS per idle conn',
    ],
    align: ['left', ...Array<'right'>(8).fill('right')],
    rows: run.competitors
      .filter((c) => c.available)
      .map((c) => [
        c.label,
        show(get(c1, c.id, 'msgsPerSec'), formatNumber),
        show(get(c1, c.id, 'latencyP50Us'), formatMicros),
        show(get(c1, c.id, 'latencyP99Us'), formatMicros),
        show(get(c64, c.id, 'msgsPerSec'), formatNumber),
        show(get(c64, c.id, 'latencyP50Us'), formatMicros),
        show(get(c64, c.id, 'latencyP99Us'), formatMicros),
        show(get(stream, c.id, 'msgsPerSec'), formatNumber),
        show(get(idle, c.id, 'serverRssPerConnectionKB'), (v) => `${formatNumber(v)} KB`),
      ]),
    notes: [
      'SENSOR messages (4 x f32, 16 bytes of payload); medians over the repetitions; one connection per alternative (HTTP/1.1: a pool as wide as the requests in flight).',
    ],
  };
}

/**
 * A Markdown page for the repository's docs: the command, the run, the summary, the targets (the
 * transport ones and the codec suite's), plots.
 */
export function renderSummary(run: RunResult, options: { command: string; imageDir: string }): string {
  const out = [
    '# Benchmark summary',
    '',
    `Produced by \`${options.command}\` (see [packages/bench](../packages/bench/README.md)); only ratios within one run count.`,
    '',
    ...runDescription(run),
    '',
  ];
  const busy = busyWarning(run);
  if (busy) out.push(`> **Note:** ${busy}`, '');
  out.push(renderMarkdownTable(summaryTable(run)), '');
  const failures = run.benchmarks.flatMap((b) =>
    b.cases.flatMap((c) =>
      c.results
        .filter((r) => r.failedRepetitions > 0)
        .map(
          (r) =>
            `- ${r.competitor} in ${c.spec.id}: ${r.failedRepetitions} of ${r.failedRepetitions + r.samples.length} repetition(s) failed: ${(r.error ?? '').split('\n')[0]}`,
        ),
    ),
  );
  if (failures.length > 0) out.push('Failures in this run:', '', ...failures, '');
  if (!isJudged(run)) out.push(`> **${smokeRunNote(run)}**`, '');
  else {
    // The codec suite's verdicts belong here too: the performance issue's table holds codec
    // targets (the closures engine, decode against avsc) beside the transport ones.
    const transport = run.targets.some((t) => t.status !== 'not-run');
    const codec = codecTargetTable(run);
    if (transport || codec) out.push('## Targets', '');
    if (transport) out.push(renderMarkdownTable(targetTable(run)), '');
    if (codec) out.push(`### ${codec.title}`, '', renderMarkdownTable(codec), '');
  }
  const plots = run.plots.filter((p) => (SUMMARY_PLOTS as readonly string[]).includes(p.file));
  if (plots.length > 0) {
    out.push('## Plots', '');
    for (const plot of plots) out.push(`![${plot.title}](${options.imageDir}/bench-${plot.file})`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
