#!/usr/bin/env node
// `pnpm --filter @bp/codec bench:browser`: the codec where most of its users run it, in a browser.
// Bundles bench/browser-page.mjs with esbuild from the built package (the browser entry, whose
// default engine is the CSP-safe closures one), opens it in headless Chromium, and prints bp's
// closures and generated engines next to the hand-written codec, as medians of same-round ratios. The Node suite (codec-bench.mjs) is the reference benchmark; this one shows
// whether its findings hold in a browser's V8, which is newer than Node's and tiers differently.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '..');

const usage = `Usage: node bench/browser-bench.mjs [options]
  --quick            short samples, 3 rounds: a smoke run that shows every case ran in the browser
                     (operations per second only: no ratios)
  --filter <regex>   only cases whose "SCENARIO/adapter/op" matches (the hand-written codec always runs)
  --json             print the results as JSON
  --chromium <path>  the browser (default: $CHROMIUM, else /usr/bin/chromium)
  --cpu <list>       pin the browser to these CPUs with taskset (e.g. 1, or 0,1). Not pinned by
                     default: Chromium is several processes and threads, and on one CPU they take
                     turns with the page (rounds 2-3x apart, against +-10% unpinned on 2 CPUs)
  -h, --help`;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    filter: { type: 'string' },
    json: { type: 'boolean', default: false },
    chromium: { type: 'string' },
    cpu: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const timing = values.quick
  ? { rounds: 3, sampleMs: 5, warmupMs: 20 }
  : { rounds: 9, sampleMs: 30, warmupMs: 100 };
// A full run is ~1 minute; the bound only keeps a hung browser from hanging the caller.
const timeoutMs = values.quick ? 120_000 : 900_000;

/** The page: settings in #config, the bundled benchmark, results written into #result. */
async function writePage(dir) {
  const bundle = await build({
    entryPoints: [join(here, 'browser-page.mjs')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'error',
    absWorkingDir: packageDir,
  });
  const script = bundle.outputFiles[0].text.replaceAll('</script', '<\\/script');
  const config = JSON.stringify({ ...timing, filter: values.filter });
  const page = join(dir, 'codec-bench.html');
  writeFileSync(
    page,
    `<!doctype html><meta charset="utf-8"><pre id="config">${config.replaceAll('<', '\\u003c')}</pre>` +
      `<pre id="result"></pre><script type="module">${script}</script>`,
  );
  return page;
}

function placement() {
  const cpus = os.availableParallelism();
  if (values.cpu === undefined) return { prefix: [], text: `not pinned, ${cpus} CPUs available` };
  return { prefix: ['taskset', '-c', values.cpu], text: `browser pinned to CPU ${values.cpu} with taskset` };
}

const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** Opens the page in headless Chromium and returns what it wrote into #result. */
function runPage(page, dir, where) {
  const chromium = values.chromium ?? process.env.CHROMIUM ?? '/usr/bin/chromium';
  const command = [
    ...where.prefix,
    chromium,
    '--headless=new',
    // Root in a container has no user namespace for the sandbox; the page is our own file.
    '--no-sandbox',
    '--disable-gpu',
    '--disable-extensions',
    `--user-data-dir=${join(dir, 'profile')}`,
    '--dump-dom',
    pathToFileURL(page).href,
  ];
  const child = spawnSync(command[0], command.slice(1), {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.error)
    throw new Error(`could not run ${chromium}: ${child.error.message} (pass --chromium <path>)`);
  const match = /<pre id="result">([\s\S]*?)<\/pre>/.exec(child.stdout);
  if (child.status !== 0 || match === null || match[1] === '') {
    throw new Error(`${chromium} exited with ${child.status} without results: ${child.stderr.slice(-500)}`);
  }
  const result = JSON.parse(match[1].replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]));
  if (result.error !== undefined) throw new Error(`the benchmark page failed: ${result.error}`);
  return result;
}

function formatRate(perSec) {
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(1)} M`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)} k`;
  return perSec.toFixed(0);
}

function printTable(result, where, load) {
  console.log(`@bp/codec in a browser: ${result.userAgent}`);
  console.log(`${where}; load average before/after: ${load.before} / ${load.after}; ${timing.rounds} rounds`);
  console.log(
    values.quick
      ? 'smoke run (--quick): operations per second only, to show every case ran'
      : 'ops/s (median of rounds) and % of the hand-written codec (median of same-round ratios, range)',
  );
  for (const scenario of [...new Set(result.cases.map((c) => c.scenario))]) {
    console.log(`\n${scenario}`);
    const rows = result.cases.filter((c) => c.scenario === scenario);
    for (const adapter of [...new Set(rows.map((c) => c.adapter))]) {
      const cells = rows
        .filter((c) => c.adapter === adapter)
        .map((c) => {
          const rate = `${c.op} ${formatRate(c.opsPerSec)}`;
          if (values.quick || adapter === 'hand-written') return rate;
          const pct = (x) => `${(x * 100).toFixed(0)}%`;
          return `${rate} ${pct(c.ratio.median)} (${pct(c.ratio.min)}-${pct(c.ratio.max)})`;
        });
      console.log(`  ${adapter.padEnd(14)} ${cells.join('   ')}`);
    }
  }
}

const dir = mkdtempSync(join(os.tmpdir(), 'bp-codec-browser-'));
try {
  const where = placement();
  const page = await writePage(dir);
  const before = os.loadavg()[0].toFixed(2);
  const result = runPage(page, dir, where);
  const load = { before, after: os.loadavg()[0].toFixed(2) };
  const run = { ...result, quick: values.quick, timing, placement: where.text, loadAverage: load };
  if (values.quick) for (const c of run.cases) delete c.ratio;
  if (values.json) console.log(JSON.stringify(run, null, 2));
  else printTable(run, where.text, load);
} catch (error) {
  console.error(`browser-bench: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
