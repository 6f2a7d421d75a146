import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_METRICS } from '../src/metrics.js';
import type { RunResult } from '../src/results.js';
import { decodePng } from './png-decode.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/esm/cli.js');

/** Newest modification time under a folder. */
function newest(dir: string): number {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    latest = Math.max(latest, stat.isDirectory() ? newest(path) : stat.mtimeMs);
  }
  return latest;
}

/**
 * Per-connection memory in a smoke run: 500 connections hold a few MB, about what V8 and the
 * allocator may hand back to the OS between two readings on a busy machine, so the difference can
 * come out below zero. Checked finite here; the test below checks it at the default count.
 */
const SMOKE_NOISE_METRICS = new Set(['serverRssPerConnectionKB', 'serverHeapPerConnectionKB']);

let out: string;
let run: RunResult;
let stdout: string;
let stderr: string;

beforeAll(() => {
  // The test runs what ships: build dist when it is missing or older than the sources.
  if (!existsSync(cli) || statSync(cli).mtimeMs < newest(join(root, 'src'))) {
    execFileSync(
      process.execPath,
      [
        '../../tools/build-package.mjs',
        '--platform',
        'node',
        '--entry',
        'src/index.ts',
        '--entry',
        'src/cli.ts',
      ],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
  }
  out = mkdtempSync(join(tmpdir(), 'bp-bench-'));
  const result = spawnSync(process.execPath, [cli, '--all', '--quick', '--out', out], {
    encoding: 'utf8',
    timeout: 240_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  stdout = result.stdout;
  stderr = result.stderr;
  if (result.status !== 0)
    throw new Error(`bp-bench exited ${result.status}: ${result.stderr}\n${result.stdout}`);
  run = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
}, 250_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('bp-bench --all --quick', () => {
  it('writes the result, the report and every promised plot', () => {
    expect(existsSync(join(out, 'result.json'))).toBe(true);
    expect(existsSync(join(out, 'report.md'))).toBe(true);
    const expected = [
      'throughput-by-size.png',
      'comparison.png',
      'latency-distribution.png',
      'realistic-latency.png',
      'idle-memory.png',
      'codec-comparison.png',
      'resources-cpu.png',
      'resources-memory.png',
    ];
    expect(run.plots.map((p) => p.file).sort()).toEqual([...expected].sort());
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    for (const file of expected) {
      expect(existsSync(join(out, file))).toBe(true);
      expect(report).toContain(`](${file})`);
    }
    for (const heading of ['## fixed', '## variable', '## realistic', '## idle', '## codec']) {
      expect(report).toContain(heading);
    }
  });

  it('writes JSON that validates against the schema', () => {
    const schema = JSON.parse(readFileSync(join(root, 'schema/result.schema.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const valid = validate(run);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(Number.isNaN(Date.parse(run.startedAt))).toBe(false);
    expect(run.benchmarks.map((b) => b.type)).toEqual(['fixed', 'variable', 'realistic', 'idle']);
    expect(run.codec?.status).toBe('ok');
  });

  it('writes PNGs that decode to images of the stated size', () => {
    for (const plot of run.plots) {
      const size = decodePng(readFileSync(join(out, plot.file)));
      expect({ file: plot.file, ...size }).toEqual({
        file: plot.file,
        width: plot.width,
        height: plot.height,
      });
    }
  });

  it('ran every alternative, bp included, with every message checked and no errors', () => {
    for (const competitor of run.competitors) {
      expect({ id: competitor.id, available: competitor.available, reason: competitor.reason }).toEqual({
        id: competitor.id,
        available: true,
        reason: undefined,
      });
    }
    for (const benchmark of run.benchmarks) {
      for (const c of benchmark.cases) {
        expect(c.results.map((r) => r.competitor).sort()).toEqual(run.competitors.map((x) => x.id).sort());
        for (const r of c.results) {
          expect({
            case: c.spec.id,
            competitor: r.competitor,
            status: r.status,
            error: r.error,
            errors: r.errors,
          }).toEqual({
            case: c.spec.id,
            competitor: r.competitor,
            status: 'ok',
            error: undefined,
            errors: 0,
          });
        }
      }
    }
  });

  it('reports every figure as a positive finite number (resource readings: finite, not negative)', () => {
    const bad: string[] = [];
    const check = (where: string, name: string, value: number) => {
      const ok =
        Number.isFinite(value) &&
        (RESOURCE_METRICS.has(name) ? value >= 0 : SMOKE_NOISE_METRICS.has(name) || value > 0);
      if (!ok) bad.push(`${where} ${name}=${value}`);
    };
    let figures = 0;
    for (const benchmark of run.benchmarks) {
      for (const c of benchmark.cases) {
        for (const r of c.results) {
          for (const [name, summary] of Object.entries(r.summary)) {
            figures++;
            check(`${c.spec.id} ${r.competitor} median`, name, summary.median);
          }
          for (const s of r.samples)
            for (const [name, v] of Object.entries(s.metrics)) check(`${c.spec.id} ${r.competitor}`, name, v);
        }
        for (const ratio of c.ratios)
          check(`${c.spec.id} ${ratio.bp}/${ratio.other}`, ratio.metric, ratio.advantage.median);
      }
    }
    for (const row of run.codec?.rows ?? [])
      check(`codec ${row.message} ${row.library}`, row.operation, row.opsPerSec);
    expect(bad).toEqual([]);
    expect(figures).toBeGreaterThan(100);
    // A smoke run computes every target's ratio but judges none of them.
    const ran = run.targets.filter((t) => t.status !== 'not-run');
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((t) => t.status === 'not-judged' && t.ratio !== null)).toBe(true);
  });

  it('prints the summary tables and resources on the console, and no verdict or ratio from a smoke run', () => {
    expect(stdout).toContain('=== fixed ===');
    expect(stdout).toMatch(/alternative\s+msgs\/s\s+MB\/s\s+p50\s+p95\s+p99\s+max\s+wire B\/msg/);
    expect(stdout).toContain('resource use');
    expect(stdout).toMatch(
      /smoke run \(--quick\): \d+ case\(s\), \d+ case x alternative result\(s\), 0 with failures/,
    );
    expect(stdout).not.toContain('against each alternative');
    expect(stdout).not.toMatch(/\b(met|missed)\b/);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('smoke run (--quick)');
    expect(report).not.toMatch(/\b(met|missed)\b/);
  });

  it('writes one plain progress line per finished unit, with the time left, when stderr is not a terminal', () => {
    const lines = stderr.split('\n').filter((l) => l.startsWith('bp-bench: '));
    expect(lines.length).toBeGreaterThan(10);
    expect(stderr).not.toContain('\x1b[');
    const last = lines.at(-1)!;
    const [, done, total] = /^bp-bench: (\d+)\/(\d+) \(100%\) done/.exec(last) ?? [];
    expect(done).toBe(total);
    expect(lines.some((l) => / left: /.test(l))).toBe(true);
  });

  it('measures server memory per idle connection at the default count as a plausible positive figure', () => {
    const idleOut = mkdtempSync(join(tmpdir(), 'bp-bench-idle-'));
    try {
      const result = spawnSync(
        process.execPath,
        [
          cli,
          '--idle',
          '--transports',
          'tcp',
          '--compare',
          'none',
          '-r',
          '1',
          '--no-plots',
          '--json',
          '--out',
          idleOut,
        ],
        { encoding: 'utf8', timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      );
      expect(result.status, result.stderr).toBe(0);
      const idle = (JSON.parse(result.stdout) as RunResult).benchmarks.find((b) => b.type === 'idle');
      const figures = (idle?.cases[0]?.results ?? []).map((r) => ({
        competitor: r.competitor,
        connections: r.samples[0]?.messages,
        rss: r.summary.serverRssPerConnectionKB?.median ?? Number.NaN,
        heap: r.summary.serverHeapPerConnectionKB?.median ?? Number.NaN,
      }));
      expect(figures.map((f) => f.competitor)).toEqual(expect.arrayContaining(['bp-tcp', 'raw-tcp']));
      for (const f of figures) {
        expect(f.connections).toBe(2000);
        // A TCP socket and its JavaScript objects are a few KB; 64 KB would be a leaked read buffer.
        expect(f.rss, f.competitor).toBeGreaterThan(0.5);
        expect(f.rss, f.competitor).toBeLessThan(64);
        expect(f.heap, f.competitor).toBeGreaterThan(0.1);
        expect(f.heap, f.competitor).toBeLessThan(64);
      }
    } finally {
      rmSync(idleOut, { recursive: true, force: true });
    }
  }, 150_000);

  it('compares two result files', () => {
    const file = join(out, 'result.json');
    const result = spawnSync(process.execPath, [cli, 'compare', file, file], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('What changed from result.json (a) to result.json (b)');
    // One repetition per figure: its noise is unknown, so nothing is called better or worse.
    expect(result.stdout).toContain('too few repetitions');
    expect(result.stdout).not.toMatch(/\b(better|worse)\b$/m);
  });

  it('explains itself with --help', () => {
    const result = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(0);
    for (const flag of [
      '--all',
      '--fixed',
      '--variable',
      '--realistic',
      '--codec',
      '--quick',
      '--json',
      '--out',
      '--transports',
      '--compare',
      '--clients',
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });
});
