#!/usr/bin/env node
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runBroadcastServer } from './broadcast/broadcast-server.js';
import { runBroadcast } from './broadcast/run-broadcast.js';
import { runChild } from './child/main.js';
import { compareRuns, comparisonTable } from './compare.js';
import { type BenchOptions, HELP, parseCommand } from './options.js';
import { Progress, progressMode } from './report/progress.js';
import { renderConsole } from './report/report-console.js';
import { renderSummary, SUMMARY_PLOTS } from './report/summary-markdown.js';
import { renderMarkdownTable, renderText } from './report/tables.js';
import type { RunResult } from './results.js';
import { killAllChildren, selfScript } from './run/child-process.js';
import { runBenchmarks } from './run/run-benchmarks.js';
import { writeResults } from './write-results.js';

async function run(options: BenchOptions): Promise<void> {
  const out = resolve(options.out);
  const progress = new Progress(progressMode(options.json));
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

/**
 * Writes the docs summary of a result file: the Markdown (to `out`, else stdout) and, with
 * `images`, the summary's plots copied there as bench-<name>.png, linked relative to `out`.
 */
async function summary(file: string, out: string | undefined, images: string | undefined): Promise<void> {
  const run = JSON.parse(await readFile(file, 'utf8')) as RunResult;
  const imageDir = images === undefined ? dirname(file) : images;
  if (images !== undefined) {
    await mkdir(images, { recursive: true });
    for (const plot of run.plots.filter((p) => (SUMMARY_PLOTS as readonly string[]).includes(p.file))) {
      await copyFile(join(dirname(file), plot.file), join(images, `bench-${plot.file}`));
    }
  }
  const linkDir = out === undefined ? imageDir : relative(dirname(resolve(out)), resolve(imageDir)) || '.';
  const text = renderSummary(run, { command: `pnpm bench -- ${commandLine(run)}`, imageDir: linkDir });
  if (out === undefined) process.stdout.write(text);
  else {
    await writeFile(out, text);
    process.stdout.write(`wrote ${out}\n`);
  }
}

/** The benchmark flags a run was started with, as far as the result file tells. */
function commandLine(run: RunResult): string {
  const o = run.options;
  const all = o.benchmarks.length === 5;
  return [all ? '--all' : o.benchmarks.map((b) => `--${b}`).join(' '), o.quick ? '--quick' : '']
    .filter(Boolean)
    .join(' ');
}

/** `bp-bench broadcast [--members N] [--messages N] [--repetitions N] [--quick] [--json]`. */
async function broadcast(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      members: { type: 'string', default: '1000' },
      messages: { type: 'string', default: '2000' },
      repetitions: { type: 'string', default: '3' },
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const count = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} must be a positive integer, got '${text}'`);
    return value;
  };
  const run = await runBroadcast(
    {
      members: count('members', values.members),
      messages: count('messages', values.messages),
      repetitions: count('repetitions', values.repetitions),
      quick: values.quick,
      script: selfScript(),
    },
    (line) => {
      if (!values.json) process.stderr.write(`${line}\n`);
    },
  );
  if (values.json) process.stdout.write(`${JSON.stringify(run)}\n`);
  else {
    for (const target of run.targets) {
      const ratio = target.ratio === null ? 'n/a' : `${target.ratio.median.toFixed(2)}x`;
      process.stdout.write(`${target.id}: ${ratio} (${target.status}) - ${target.description}\n`);
    }
  }
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '__child') {
    await runChild(argv[1] ?? '');
    return;
  }
  if (argv[0] === '__broadcast-server') {
    await runBroadcastServer(argv[1] ?? '');
    return;
  }
  if (argv[0] === 'broadcast') {
    await broadcast(argv.slice(1));
    return;
  }
  const command = parseCommand(argv);
  if (command.command === 'help') process.stdout.write(HELP);
  else if (command.command === 'compare') await compare(command.a, command.b, command.out, command.json);
  else if (command.command === 'summary') await summary(command.file, command.out, command.images);
  else if (command.command === 'report') {
    const run = JSON.parse(await readFile(command.file, 'utf8')) as RunResult;
    const out = resolve(command.out ?? dirname(command.file));
    const final = await writeResults(run, out, true);
    process.stdout.write(`wrote ${out}/report.md and ${final.plots.length} plot(s)\n`);
  } else await run(command.options);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  killAllChildren();
  process.stderr.write(`bp-bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
