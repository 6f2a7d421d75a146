import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildPlots } from './report/plots.js';
import { renderPng } from './report/render-png.js';
import { renderReport } from './report/report-markdown.js';
import type { RunResult } from './results.js';

/**
 * Writes a run's files into `outDir`: the PNG plots, then result.json (listing the plots) and
 * report.md (embedding them). Returns the run with its plot list filled in.
 */
export async function writeResults(run: RunResult, outDir: string, plots: boolean): Promise<RunResult> {
  await mkdir(outDir, { recursive: true });
  const written: RunResult['plots'] = [];
  if (plots) {
    for (const plot of buildPlots(run)) {
      await writeFile(join(outDir, plot.file), await renderPng(plot.svg));
      written.push({ file: plot.file, title: plot.title, width: plot.width, height: plot.height });
    }
  }
  const final: RunResult = { ...run, plots: written };
  await writeFile(join(outDir, 'result.json'), `${JSON.stringify(final, null, 2)}\n`);
  await writeFile(join(outDir, 'report.md'), renderReport(final));
  return final;
}
