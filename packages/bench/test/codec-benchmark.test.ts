import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { packageFile } from '../src/machine-info.js';
import type { BenchOptions } from '../src/options.js';
import { CODEC_SUITE_WORKSPACE_ONLY, runCodecBenchmark } from '../src/run/codec-benchmark.js';
import type { Placement } from '../src/run/placement.js';

const here = dirname(fileURLToPath(import.meta.url));
const codecDir = join(here, '..', '..', 'codec');
const scratch = mkdtempSync(join(tmpdir(), 'bp-bench-codec-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('--codec is workspace-only', () => {
  it('finds the suite from inside the workspace', () => {
    expect(packageFile('@bp/codec', 'bench/codec-suite.mjs', join(here, 'x.js'))).toMatch(
      /codec[/\\]bench[/\\]codec-suite\.mjs$/,
    );
  });

  it('says how to run it where @bp/codec is installed from its packed tarball', async () => {
    // The real tarball, unpacked where an install would put it.
    execFileSync('pnpm', ['pack', '--pack-destination', scratch], { cwd: codecDir, stdio: 'ignore' });
    const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const installed = join(scratch, 'app', 'node_modules', '@bp', 'codec');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(scratch, tarball as string), '-C', installed, '--strip-components=1']);
    expect(readdirSync(installed)).toContain('package.json');
    const script = join(scratch, 'app', 'bench.js');
    writeFileSync(script, '');

    const result = await runCodecBenchmark(
      { quick: true, codecRounds: undefined } as BenchOptions,
      { clientCpu: undefined } as unknown as Placement,
      script,
    );
    expect(result.status).toBe('unavailable');
    expect(result.error).toBe(CODEC_SUITE_WORKSPACE_ONLY);
    expect(result.error).toMatch(/source checkout/);
  }, 120_000);
});
