// Smoke run of `bp-bench broadcast` with the smallest settings: every alternative runs, every
// member gets every message, and the target is computed but not judged. Not a timing test.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { BroadcastRun } from '../src/broadcast/run-broadcast.js';
import { checkBroadcastTargets } from '../src/targets.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/esm/cli.js');

function newest(dir: string): number {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    latest = Math.max(latest, stat.isDirectory() ? newest(path) : stat.mtimeMs);
  }
  return latest;
}

it('bp-bench broadcast --quick runs bp, socket.io and ws-msgpackr', () => {
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
      { cwd: root, stdio: 'inherit' },
    );
  }
  const result = spawnSync(
    process.execPath,
    [cli, 'broadcast', '--members', '5', '--messages', '20', '--repetitions', '1', '--quick', '--json'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (result.status !== 0) throw new Error(`bp-bench broadcast exited ${result.status}: ${result.stderr}`);
  const run = JSON.parse(result.stdout) as BroadcastRun;
  expect(run.results.map((r) => r.competitor).sort()).toEqual(['bp', 'socket.io', 'ws-msgpackr']);
  for (const r of run.results) {
    expect(r.msgsPerSec).toHaveLength(1);
    expect(r.msgsPerSec[0]).toBeGreaterThan(0);
  }
  expect(run.targets).toEqual([expect.objectContaining({ id: 'bp/broadcast-1000', status: 'not-judged' })]);
}, 180_000);

it('the broadcast target is bp against socket.io, at least 3x', () => {
  const samples = (bp: number[], io: number[]) => [
    { competitor: 'bp', msgsPerSec: bp },
    { competitor: 'socket.io', msgsPerSec: io },
  ];
  expect(checkBroadcastTargets(samples([30, 31], [10, 10]))[0]).toMatchObject({
    status: 'met',
    limit: { min: 3 },
  });
  expect(checkBroadcastTargets(samples([20, 20], [10, 10]))[0]).toMatchObject({ status: 'missed' });
  expect(checkBroadcastTargets([])[0]).toMatchObject({ status: 'not-run' });
});
