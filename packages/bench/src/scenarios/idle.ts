import type { BenchOptions } from '../options.js';
import type { CaseSpec } from './case-spec.js';

/** The idle-connection benchmark: server memory per open, idle connection. */
export function idleCases(options: BenchOptions): CaseSpec[] {
  return [
    {
      id: 'idle/connections',
      title: `${options.idleConnections} idle connections`,
      benchmark: 'idle',
      kind: 'idle',
      connections: options.idleConnections,
      warmupMs: 0,
      durationMs: 0,
    },
  ];
}
