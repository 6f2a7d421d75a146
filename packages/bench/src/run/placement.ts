import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Where the server and client processes run. */
export interface Placement {
  /** `separate`: server on CPU 0, client on CPU 1; `same`: both on CPU 0; `none`: unpinned. */
  mode: 'separate' | 'same' | 'none';
  serverCpu: number | null;
  clientCpu: number | null;
  /** One line for reports, e.g. "server on CPU 0, client on CPU 1 (taskset)". */
  description: string;
}

/** What the user asked for with `--placement`. */
export type PlacementRequest = 'separate' | 'same' | 'none';

/**
 * Resolves the requested placement on this machine: pinning needs `taskset` (util-linux), and
 * separate CPUs need two of them; otherwise the processes run unpinned, and the report says so.
 */
export function resolvePlacement(request: PlacementRequest): Placement {
  if (request === 'none') return { mode: 'none', serverCpu: null, clientCpu: null, description: 'unpinned' };
  const hasTaskset = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;
  if (!hasTaskset) {
    return {
      mode: 'none',
      serverCpu: null,
      clientCpu: null,
      description: 'unpinned (taskset not available)',
    };
  }
  if (request === 'same' || availableParallelism() < 2) {
    const why = request === 'same' ? '' : ' (only one CPU)';
    return {
      mode: 'same',
      serverCpu: 0,
      clientCpu: 0,
      description: `server and client both on CPU 0${why} (taskset)`,
    };
  }
  return {
    mode: 'separate',
    serverCpu: 0,
    clientCpu: 1,
    description: 'server on CPU 0, client on CPU 1 (taskset)',
  };
}

/** The command and arguments that start `node <args>` on a CPU, or unpinned when `cpu` is null. */
export function pinnedCommand(cpu: number | null, nodeArgs: string[]): [string, string[]] {
  if (cpu === null) return [process.execPath, nodeArgs];
  return ['taskset', ['-c', String(cpu), process.execPath, ...nodeArgs]];
}
