import type { BenchOptions } from '../options.js';
import { formatBytes } from '../report/format.js';
import type { CaseSpec } from './case-spec.js';

/** The variable-size benchmark: request/response with blobs of each size in the sweep. */
export function variableCases(options: BenchOptions): CaseSpec[] {
  return options.sizes.map((size) => ({
    id: `variable/${size}`,
    title: `${formatBytes(size)} request/response, ${options.variableConcurrency} in flight`,
    benchmark: 'variable',
    kind: 'request-response',
    message: 'blob',
    size,
    concurrency: options.variableConcurrency,
    maxRequests: 50_000_000,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
  }));
}
