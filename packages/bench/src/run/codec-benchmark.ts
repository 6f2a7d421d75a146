import { packageFile } from '../machine-info.js';
import type { BenchOptions } from '../options.js';
import type { CodecResult } from '../results.js';
import { BenchChild, selfScript } from './child-process.js';
import { extractCodecRows } from './codec-rows.js';
import type { Placement } from './placement.js';

/**
 * Why `--codec` cannot run outside a bp source checkout. The suite (packages/codec/bench) and the
 * libraries it compares with (msgpackr, protobufjs, avsc: the codec's devDependencies) are not
 * published with @bp/codec, so an installed @bp/bench has no suite to run: a workspace-only option.
 */
export const CODEC_SUITE_WORKSPACE_ONLY =
  '--codec runs only in a bp source checkout: @bp/codec is published without its benchmark suite ' +
  '(packages/codec/bench) and the libraries it compares with. Clone the repository, then ' +
  '`pnpm install && pnpm turbo run build && pnpm bench -- --codec` (or `pnpm --filter @bp/codec bench`).';

/**
 * The codec benchmark: the codec package's own suite (packages/codec/bench/codec-suite.mjs,
 * comparing bp's codec, called directly as a user's loop calls it, with a hand-written DataView
 * codec called the same way and with JSON, msgpackr, protobufjs and avsc), run in a child process
 * on the client's CPU so it has a core to itself. Workspace-only: see {@link CODEC_SUITE_WORKSPACE_ONLY}.
 */
export async function runCodecBenchmark(
  options: BenchOptions,
  placement: Placement,
  /** Where @bp/codec is looked up from (tests: an install of the packed tarball). */
  from: string = selfScript(),
): Promise<CodecResult> {
  const suite = packageFile('@bp/codec', 'bench/codec-suite.mjs', from);
  if (suite === undefined) {
    // Said at once, not only in the report at the end of a long run.
    process.stderr.write(`bp-bench: codec benchmark not run: ${CODEC_SUITE_WORKSPACE_ONLY}\n`);
    return { status: 'unavailable', error: CODEC_SUITE_WORKSPACE_ONLY, rows: [], raw: null };
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
