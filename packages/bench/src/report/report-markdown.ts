import type { RunResult } from '../results.js';
import { formatBytes } from './format.js';
import { isJudged, smokeRunNote } from './smoke-run.js';
import {
  caseTable,
  codecTable,
  codecTargetTable,
  perClientTable,
  ratioTables,
  renderMarkdownTable,
  resourceTable,
  type Table,
  targetTable,
} from './tables.js';

const section = (table: Table) => `### ${table.title}\n\n${renderMarkdownTable(table)}\n`;

/** The run header: when, where, what was run and how it was placed. */
export function runDescription(run: RunResult): string[] {
  const m = run.machine;
  const o = run.options;
  const versions = Object.entries(run.packages)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `- Started ${run.startedAt}, finished ${run.finishedAt}`,
    `- Machine: ${m.cpuModel}, ${m.cpuCount} CPUs, ${formatBytes(m.totalMemoryBytes)} memory, ${m.platform} ${m.release} ${m.arch}; 1-minute load ${m.loadAverageBefore.toFixed(2)} before, ${m.loadAverageAfter.toFixed(2)} after`,
    `- Node ${run.node.version} (V8 ${run.node.v8}); git ${run.git.commit ?? 'unknown'}${run.git.dirty ? ' (with uncommitted changes)' : ''}`,
    `- Placement: ${run.placement.description}; client and server are separate processes on 127.0.0.1`,
    `- Benchmarks: ${o.benchmarks.join(', ')}; ${o.repetitions} repetition(s), ${o.warmupMs} ms warm-up, ${o.durationMs} ms windows${o.quick ? ' (--quick)' : ''}`,
    `- Packages: ${versions}`,
  ];
}

/** The comparison report: run details, targets, plots, then every benchmark's tables. */
export function renderReport(run: RunResult): string {
  const out: string[] = ['# bp benchmark report', '', ...runDescription(run), ''];
  const busy = busyWarning(run);
  if (busy) out.push(`> **Note:** ${busy}`, '');
  out.push(
    '## How to read this',
    '',
    'Every alternative ran the same workload in the same run, each in its own server and client',
    'process, repeated with the order of the alternatives rotated each repetition. Figures are the',
    'median over repetitions; "spread" is (max - min) / median; "95% CI" is the Student-t interval of',
    'the mean. Ratios pair repetition i of bp with repetition i of the other (they ran next to each',
    'other) and give the median of those paired ratios with their range: "3.1x" means bp is 3.1',
    'times better (more throughput, or less latency, CPU or memory). Only ratios within one run',
    'count; absolute numbers depend on the machine and on how busy it was. Errors count messages',
    'whose content did not check out at the receiver, plus messages lost; they must be 0.',
    '',
  );
  const unavailable = run.competitors.filter((c) => !c.available);
  if (unavailable.length > 0) {
    out.push('Alternatives that could not run here:', '');
    for (const c of unavailable) out.push(`- ${c.label} (${c.id}): ${c.reason ?? 'unknown reason'}`);
    out.push('');
  }
  if (!isJudged(run)) out.push(`> **${smokeRunNote(run)}**`, '');
  else if (run.targets.some((t) => t.status !== 'not-run'))
    out.push('## Targets', '', section(targetTable(run)));
  if (run.plots.length > 0) {
    out.push('## Plots', '');
    for (const plot of run.plots) out.push(`![${plot.title}](${plot.file})`, '');
  }
  for (const benchmark of run.benchmarks) {
    out.push(`## ${benchmark.type}`, '');
    for (const c of benchmark.cases) out.push(section(caseTable(run, c)));
    if (isJudged(run)) for (const table of ratioTables(run, benchmark)) out.push(section(table));
    out.push(section(resourceTable(run, benchmark)));
    if (benchmark.type === 'realistic') {
      const c = benchmark.cases[0];
      const shown = (run.competitors.find((x) => x.family === 'bp' && x.available) ?? run.competitors[0])?.id;
      const table = c && shown ? perClientTable(run, c, shown) : undefined;
      if (table) out.push(section(table));
    }
  }
  const codec = codecTable(run);
  if (codec) out.push('## codec', '', section(codec));
  const codecTargets = isJudged(run) ? codecTargetTable(run) : undefined;
  if (codecTargets) out.push(section(codecTargets));
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * A warning when the machine was busy: a 1-minute load above half its CPUs before the run, or
 * after it above the CPUs plus half a CPU (the run's own server and client keep two busy).
 * Figures taken beside another benchmark were seen 2-3x off on these machines.
 */
export function busyWarning(run: RunResult): string | undefined {
  const { loadAverageBefore: before, loadAverageAfter: after, cpuCount } = run.machine;
  if (before <= cpuCount / 2 && after <= cpuCount + 0.5) return undefined;
  return `the machine was busy (1-minute load ${before.toFixed(1)} before the run, ${after.toFixed(1)} after, on ${cpuCount} CPUs); absolute figures are unreliable, and even ratios may be skewed.`;
}
