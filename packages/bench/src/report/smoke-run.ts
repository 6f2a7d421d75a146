import type { RunResult } from '../results.js';

/**
 * Whether the run's figures may be read as findings. A `--quick` run is a smoke test: windows of
 * a fraction of a second and one repetition say that everything ran, not how fast it ran, so its
 * reports print no target verdicts and no ratios.
 */
export function isJudged(run: RunResult): boolean {
  return !run.options.quick;
}

/** The line a smoke run prints instead of verdicts: what ran, what failed, how to get findings. */
export function smokeRunNote(run: RunResult): string {
  const results = run.benchmarks.flatMap((b) => b.cases.flatMap((c) => c.results));
  const failed = results.filter((r) => r.status !== 'ok' || r.failedRepetitions > 0).length;
  const cases = run.benchmarks.reduce((sum, b) => sum + b.cases.length, 0);
  const codec = run.codec ? `; codec suite ${run.codec.status}` : '';
  return (
    `smoke run (--quick): ${cases} case(s), ${results.length} case x alternative result(s), ` +
    `${failed} with failures${codec}. A run this short judges no target and reports no ratio; ` +
    'run without --quick for findings.'
  );
}
