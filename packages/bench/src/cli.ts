#!/usr/bin/env node
import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { runChild } from './child/main.js';
import { compareRuns, comparisonTable } from './compare.js';
import { type BenchOptions, HELP, parseCommand } from './options.js';
import { Progress } from './report/progress.js';
import { renderConsole } from './report/report-console.js';
import { renderMarkdownTable, renderText } from './report/tables.js';
import type { RunResult } from './results.js';
import { killAllChildren } from './run/child-process.js';
import { runBenchmarks } from './run/run-benchmarks.js';
import { writeResults } from './write-results.js';

async function run(options: BenchOptions): Promise<void> {
  const out = resolve(options.out);
  const progress = new Progress(!options.json && process.stderr.isTTY === true);
  const result = await runBenchmarks(options, progress);
  progress.finish();
  const final = await writeResults(result, out, options.plots);
  if (options.json) process.stdout.write(`${JSON.stringify(final)}\n`);
  else process.stdout.write(`${renderConsole(final, out)}\n`);
}

async function compare(a: string, b: string, out: string | undefined, json: boolean): Promise<void> {
  const load = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as RunResult;
  const [runA, runB] = await Promise.all([load(a), load(b)]);
  const figures = compareRuns(runA, runB);
  if (json) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    return;
  }
  const table = comparisonTable(figures, basename(a), basename(b));
  if (out !== undefined) {
    await writeFile(out, `# ${table.title}\n\n${renderMarkdownTable(table)}\n`);
    process.stdout.write(`wrote ${out}\n`);
  } else {
    process.stdout.write(`${renderText(table)}\n`);
  }
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '__child') {
    await runChild(argv[1] ?? '');
    return;
  }
  const command = parseCommand(argv);
  if (command.command === 'help') process.stdout.write(HELP);
  else if (command.command === 'compare') await compare(command.a, command.b, command.out, command.json);
  else await run(command.options);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  killAllChildren();
  process.stderr.write(`bp-bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
