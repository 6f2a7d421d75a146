import type { BenchOptions } from '../options.js';
import type { CaseSpec } from './case-spec.js';

/** The realistic benchmark: one case with every client's behaviour drawn from the seed. */
export function realisticCases(options: BenchOptions): CaseSpec[] {
  return [
    {
      id: 'realistic/mixed',
      title: `${options.clients} clients: requests, one-way messages, pushes, think time`,
      benchmark: 'realistic',
      kind: 'realistic',
      clients: options.clients,
      seed: options.seed,
      mix: options.mix,
      thinkMs: options.thinkMs,
      sizes: options.sizeDistribution,
      maxSize: options.maxSize,
      pushFraction: options.pushFraction,
      pushIntervalMs: options.pushIntervalMs,
      pushSizes: options.pushSizes,
      warmupMs: options.warmupMs,
      durationMs: options.realisticDurationMs,
    },
  ];
}
