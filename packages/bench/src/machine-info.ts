import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { MachineInfo } from './results.js';

/** The machine as a result file records it (load average filled in by the caller). */
export function machineInfo(): Omit<MachineInfo, 'loadAverageAfter'> {
  const list = cpus();
  return {
    platform: platform(),
    arch: arch(),
    release: release(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    totalMemoryBytes: totalmem(),
    loadAverageBefore: loadavg()[0]!,
  };
}

/** The 1-minute load average now. */
export function loadAverage(): number {
  return loadavg()[0]!;
}

/** The commit of the working tree the run was started in, and whether it had changes. */
export function gitInfo(cwd = process.cwd()): { commit: string | null; dirty: boolean | null } {
  const run = (args: string[]) => spawnSync('git', args, { cwd, encoding: 'utf8', timeout: 10_000 });
  const head = run(['rev-parse', 'HEAD']);
  if (head.status !== 0) return { commit: null, dirty: null };
  const status = run(['status', '--porcelain', '--untracked-files=no']);
  return { commit: head.stdout.trim(), dirty: status.status === 0 ? status.stdout.trim() !== '' : null };
}

/**
 * The installed version of each package, found the way Node finds it from `from` (walking up
 * through node_modules folders), reading package.json directly because not every package's
 * exports map lets it be imported. Null when not installed.
 */
export function packageVersions(names: string[], from: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const name of names) {
    const file = packageFile(name, 'package.json', from);
    out[name] = file
      ? ((JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? null)
      : null;
  }
  return out;
}

/** Finds a file inside an installed package (e.g. the codec suite), or undefined. */
export function packageFile(name: string, file: string, from: string): string | undefined {
  let dir = resolve(dirname(from));
  for (let depth = 0; depth < 30; depth++) {
    const candidate = join(dir, 'node_modules', name, file);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}
