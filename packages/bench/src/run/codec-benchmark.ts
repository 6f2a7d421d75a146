import { packageFile } from '../machine-info.js';
import type { BenchOptions } from '../options.js';
import type { CodecResult } from '../results.js';
import { BenchChild, selfScript } from './child-process.js';
import { extractCodecRows } from './codec-rows.js';
import type { Placement } from './placement.js';

/**
 * The codec benchmark: the codec package's own suite (packages/codec/bench/codec-suite.mjs,
 * comparing bp's codec with JSON, msgpackr, protobufjs and avsc), run in a child process on the
 * client's CPU so it has a core to itself.
 */
export async function runCodecBenchmark(options: BenchOptions, placement: Placement): Promise<CodecResult> {
  const suite = packageFile('@bp/codec', 'bench/codec-suite.mjs', selfScript());
  if (suite === undefined) {
    return {
      status: 'unavailable',
      error: '@bp/codec has no bench/codec-suite.mjs here',
      rows: [],
      raw: null,
    };
  }
  // --quick is a smoke run: the small fixed message and one blob size show the suite works.
  const suiteOptions: Record<string, unknown> = { quick: options.quick };
  if (options.quick) suiteOptions.filter = '^(SENSOR|BLOB-1K)/';
  if (options.codecRounds !== undefined) suiteOptions.timing = { rounds: options.codecRounds };
  // --expose-gc: the suite collects between groups and counts allocation when it can.
  const child = new BenchChild({ role: 'codec', suite, options: suiteOptions }, placement.clientCpu, [
    '--expose-gc',
  ]);
  try {
    const { result } = await child.next('codec-result', options.quick ? 120_000 : 1_800_000);
    return { status: 'ok', rows: extractCodecRows(result), raw: result };
  } catch (error) {
    return {
      status: 'failed',
      error: error instanceof Error ? error.message : String(error),
      rows: [],
      raw: null,
    };
  } finally {
    child.kill();
  }
}
