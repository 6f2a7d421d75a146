import type { BenchOptions } from '../options.js';
import type { CaseSpec } from './case-spec.js';

/**
 * The fixed-size benchmark: the SENSOR structure (4 x f32, the 16-byte message of the one-way
 * target) and the 4-byte FIXED_BENCHMARK structure, each as a one-way stream the server checks
 * message by message and as request/response at every requested concurrency.
 */
export function fixedCases(options: BenchOptions): CaseSpec[] {
  const cases: CaseSpec[] = [];
  for (const message of ['sensor', 'fixed4'] as const) {
    const label = message === 'sensor' ? 'SENSOR (4 x f32)' : 'FIXED_BENCHMARK (u32)';
    cases.push({
      id: `fixed/${message}/stream`,
      title: `${label} one-way stream`,
      benchmark: 'fixed',
      kind: 'stream',
      message,
      size: 0,
      messages: options.messages,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
    });
    for (const concurrency of options.concurrency) {
      cases.push({
        id: `fixed/${message}/rr-c${concurrency}`,
        title: `${label} request/response, ${concurrency} in flight`,
        benchmark: 'fixed',
        kind: 'request-response',
        message,
        size: 0,
        concurrency,
        maxRequests: 50_000_000,
        warmupMs: options.warmupMs,
        durationMs: options.durationMs,
      });
    }
  }
  return cases;
}
