#!/usr/bin/env node
// `pnpm --filter @bp/codec bench`: compares @bp/codec (the built package) with a hand-written
// DataView codec, JSON, msgpackr, protobufjs and avsc in one process, prints the table and writes
// the numbers to bench-results/codec.json (and the README's Markdown to codec.md beside it).
//
// It re-runs itself pinned to one CPU with `taskset` when it can (two processes measuring on the
// same 2-CPU machine at once are 2-3x off; one pinned CPU makes runs comparable) and with
// --expose-gc, so that a full collection can run between groups. Rates are per second of process
// CPU time, which time spent preempted by other processes does not inflate; the results record
// how much of its CPU the process got (cpuShare) next to the load average.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const PINNED_ENV = 'BP_CODEC_BENCH_PLACEMENT';
const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '..');

const usage = `Usage: node bench/codec-bench.mjs [options]
  --quick           short samples, 3 rounds: a smoke run of ~15 s that shows every codec ran
                    (operations per second only: no ratios, no targets)
  --filter <regex>  only cases whose "SCENARIO/adapter/op" matches, e.g. SENSOR, "bp|avsc", "/decode"
                    (the hand-written reference always runs alongside)
  --json            print the JSON results instead of the table
  --out <file>      where to write the JSON (default bench-results/codec.json in the package, or
                    codec-partial.json for --quick and --filter runs)
  --cpu <n>         CPU to pin to with taskset (default 1, or 0 on a one-CPU machine)
  --no-pin          do not re-run under taskset
  --update-readme   replace the generated part of the README's Benchmarks section with this run
  --from <file>     do not measure: print (and with --update-readme, write) a saved results file
  -h, --help`;

// `pnpm --filter @bp/codec bench -- --quick` hands the `--` on to the script: drop it.
const args = process.argv.slice(2);
if (args.includes('--')) args.splice(args.indexOf('--'), 1);

const { values } = parseArgs({
  args,
  options: {
    quick: { type: 'boolean', default: false },
    filter: { type: 'string' },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    cpu: { type: 'string' },
    'no-pin': { type: 'boolean', default: false },
    'update-readme': { type: 'boolean', default: false },
    from: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(usage);
  process.exit(0);
}

function tasksetWorks() {
  const probe = spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * Pins the run by re-running this script under taskset, unless this is that re-run, we were asked
 * not to, or the process is already limited to one CPU (a caller's taskset, a container...).
 * Returns where the measurement runs; exits with the child's status after a re-run.
 */
function placeOrReexec() {
  if (process.env[PINNED_ENV] !== undefined) return process.env[PINNED_ENV];
  const cpus = os.availableParallelism();
  if (cpus === 1) return 'one CPU available to the process (already pinned)';
  if (values['no-pin']) return `not pinned (--no-pin), ${cpus} CPUs available`;
  if (!tasksetWorks()) return `not pinned (taskset not available), ${cpus} CPUs available`;
  const cpu = values.cpu ?? String(Math.min(1, os.cpus().length - 1));
  const child = spawnSync(
    'taskset',
    ['-c', cpu, process.execPath, '--expose-gc', fileURLToPath(import.meta.url), ...args],
    { stdio: 'inherit', env: { ...process.env, [PINNED_ENV]: `pinned to CPU ${cpu} with taskset` } },
  );
  if (child.error) throw child.error;
  process.exit(child.status ?? 1);
}

// `pnpm --filter @bp/codec bench` runs this file directly (only turbo's bench task builds first):
// say so when the build is older than the sources it would measure.
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function warnIfStale() {
  try {
    const built = statSync(join(packageDir, 'dist', 'esm', 'index.node.js')).mtimeMs;
    if (newestMtime(join(packageDir, 'src')) > built) {
      console.error(
        'warning: dist/ is older than src/; this measures the old build (pnpm --filter @bp/codec build).',
      );
    }
  } catch {
    // no build at all: importing the suite says so
  }
}

async function importSuite() {
  try {
    return await import('./codec-suite.mjs');
  } catch (error) {
    const message = String(error?.message);
    if (
      error?.code === 'ERR_MODULE_NOT_FOUND' &&
      (message.includes('@bp/codec') || message.includes('/dist/'))
    ) {
      console.error(
        '@bp/codec is not built: run `pnpm --filter @bp/codec build` (`pnpm exec turbo run bench --filter=@bp/codec` does it).',
      );
      process.exit(1);
    }
    throw error;
  }
}

const report = await import('./report.mjs');
let results;
let out;
let markdownOut;
if (values.from !== undefined) {
  // Rendering a saved run: no pinning, no build, no measurement.
  results = JSON.parse(readFileSync(resolve(values.from), 'utf8'));
  // The targets as they are defined now (a saved run may predate a bar).
  results.targets = (await import('./targets.mjs')).evaluateTargets(results.cases);
} else {
  const placement = placeOrReexec();
  warnIfStale();
  const suite = await importSuite();
  const log = values.json
    ? (line) => process.stderr.write(`${line}\n`)
    : (line) => process.stderr.write(`  ${line}\n`);
  if (!values.json) {
    const load = os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
    console.log(`@bp/codec bench: ${placement}${values.quick ? ', --quick' : ''}; load average ${load}`);
  }
  results = await suite.runCodecBench({ quick: values.quick, filter: values.filter, log });
  results.placement = placement;
  // The command that produced these numbers, for the README (run from packages/codec).
  results.command = ['node bench/codec-bench.mjs', ...args].join(' ');
  // A partial run (--quick, --filter) does not overwrite the last full one.
  const partial = values.quick || values.filter !== undefined;
  out = resolve(
    values.out ?? join(packageDir, 'bench-results', partial ? 'codec-partial.json' : 'codec.json'),
  );
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  markdownOut = `${out.replace(/\.json$/, '')}.md`;
  writeFileSync(markdownOut, `${report.formatMarkdown(results)}\n`);
}

if (values['update-readme'] && results.quick === true) {
  console.error(
    '--update-readme: a --quick run is a smoke test, not figures to publish; README.md not updated',
  );
  process.exitCode = 1;
} else if (values['update-readme']) {
  const readmePath = join(packageDir, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const start = readme.indexOf(report.README_START);
  const end = readme.indexOf(report.README_END);
  if (start === -1 || end === -1) {
    console.error(`README.md has no ${report.README_START} ... ${report.README_END} markers: not updated`);
    process.exitCode = 1;
  } else {
    const section = report.formatReadmeSection(results);
    writeFileSync(
      readmePath,
      readme.slice(0, start) + section + readme.slice(end + report.README_END.length),
    );
    console.error(`updated ${readmePath}`);
  }
}

if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
else {
  console.log('');
  console.log(report.formatText(results));
  console.log('');
  if (out !== undefined) console.log(`results: ${out}\nmarkdown: ${markdownOut}`);
}
if (results.failures.length > 0) process.exitCode = 1;
