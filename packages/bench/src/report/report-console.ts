import type { RunResult } from '../results.js';
import { busyWarning } from './report-markdown.js';
import { isJudged, smokeRunNote } from './smoke-run.js';
import {
  caseTable,
  codecTable,
  codecTargetTable,
  ratioTables,
  renderText,
  resourceTable,
  targetTable,
} from './tables.js';

/** The console summary: per benchmark its tables, ratios and resources; then targets and codec. */
export function renderConsole(run: RunResult, outDir: string): string {
  const out: string[] = [];
  const unavailable = run.competitors.filter((c) => !c.available);
  for (const c of unavailable) out.push(`not run: ${c.label} (${c.id}): ${c.reason ?? 'unavailable'}`);
  out.push(`placement: ${run.placement.description}; ${run.options.repetitions} repetition(s)`);
  const busy = busyWarning(run);
  if (busy) out.push(`warning: ${busy}`);
  out.push('');
  for (const benchmark of run.benchmarks) {
    out.push(`=== ${benchmark.type} ===`, '');
    for (const c of benchmark.cases) out.push(renderText(caseTable(run, c)), '');
    if (isJudged(run)) for (const table of ratioTables(run, benchmark)) out.push(renderText(table), '');
    out.push(renderText(resourceTable(run, benchmark)), '');
  }
  if (isJudged(run) && run.targets.some((t) => t.status !== 'not-run'))
    out.push(renderText(targetTable(run)), '');
  const codec = codecTable(run);
  if (codec) out.push('=== codec ===', '', renderText(codec), '');
  const codecTargets = isJudged(run) ? codecTargetTable(run) : undefined;
  if (codecTargets) out.push(renderText(codecTargets), '');
  if (!isJudged(run)) out.push(smokeRunNote(run), '');
  out.push(`results: ${outDir}/result.json, report: ${outDir}/report.md, ${run.plots.length} plot(s)`);
  return out.join('\n');
}
