import { COMPETITORS, competitorEntry } from '../competitors/registry.js';
import { gitInfo, loadAverage, machineInfo, packageVersions } from '../machine-info.js';
import { headlineMetrics, metricsOf } from '../metrics.js';
import type { BenchmarkType, BenchOptions } from '../options.js';
import { caseRatios } from '../ratios.js';
import type { Progress } from '../report/progress.js';
import type {
  BenchmarkResult,
  CaseResult,
  CompetitorCaseResult,
  CompetitorInfo,
  RunResult,
  Timeline,
} from '../results.js';
import { casesFor } from '../scenarios/cases-for.js';
import { type Summary, summarize } from '../stats.js';
import { checkTargets } from '../targets.js';
import { selfScript } from './child-process.js';
import { runCodecBenchmark } from './codec-benchmark.js';
import { resolvePlacement } from './placement.js';
import { runPair } from './process-pair.js';

/** Libraries whose versions a result file records. */
const RECORDED_PACKAGES = [
  '@bp/codec',
  '@bp/session',
  '@bp/transport-node',
  'ws',
  'undici',
  'msgpackr',
  'socket.io',
  'socket.io-client',
  '@grpc/grpc-js',
  'protobufjs',
  'avsc',
  '@resvg/resvg-js',
];

/** Version of this tool (replaced at build time would be nicer; package.json is read instead). */
function toolVersion(): string {
  return packageVersions(['@bp/bench'], selfScript())['@bp/bench'] ?? '0.1.0';
}

/**
 * Runs every selected benchmark: for each case, every alternative in its own server/client
 * process pair, repeated with the alternatives' order rotated each repetition (A B C, B C A,
 * C A B) so drift on a shared machine falls on all of them alike.
 */
export async function runBenchmarks(options: BenchOptions, progress: Progress): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const placement = resolvePlacement(options.placement);
  const competitors = await checkCompetitors(options.competitors);
  const runnable = competitors.filter((c) => c.available).map((c) => c.id);
  const transportTypes = options.benchmarks.filter(
    (b): b is Exclude<BenchmarkType, 'codec'> => b !== 'codec',
  );

  const planned = transportTypes.map((type) => ({ type, cases: casesFor(type, options) }));
  progress.plan(
    planned.reduce((sum, p) => sum + p.cases.length, 0) * runnable.length * options.repetitions +
      (options.benchmarks.includes('codec') ? 1 : 0),
  );

  const benchmarks: BenchmarkResult[] = [];
  const timelines: Timeline[] = [];
  for (const { type, cases } of planned) {
    const results = cases.map(() => new Map<string, CompetitorCaseResult>());
    for (let repetition = 0; repetition < options.repetitions; repetition++) {
      const order = rotate(runnable, repetition);
      for (let position = 0; position < order.length; position++) {
        const competitor = order[position]!;
        progress.status(`${type} rep ${repetition + 1}/${options.repetitions}: ${competitor}`);
        const startedRep = new Date().toISOString();
        let ticked = 0;
        try {
          const outcome = await runPair(competitor, cases, placement, () => {
            ticked++;
            progress.tick();
          });
          outcome.cases.forEach((caseResult, i) => {
            const entry = entryOf(results[i]!, competitor);
            if ('error' in caseResult) {
              entry.failedRepetitions++;
              entry.error ??= caseResult.error;
              return;
            }
            const measurement = caseResult.measurement;
            entry.errors += measurement.errors;
            entry.samples.push({
              repetition,
              position,
              startedAt: startedRep,
              metrics: metricsOf(cases[i]!, caseResult),
              errors: measurement.errors,
              messages: measurement.messages,
              durationMs: measurement.durationMs,
              latencyHistogram: measurement.latencyHistogram,
              perClient: measurement.perClient,
              client: measurement.client,
              server: caseResult.server,
              serverMemory: caseResult.serverMemory,
            });
          });
          timelines.push(
            { benchmark: type, competitor, repetition, role: 'server', samples: outcome.serverTimeline },
            { benchmark: type, competitor, repetition, role: 'client', samples: outcome.clientTimeline },
          );
        } catch (error) {
          for (const map of results) {
            const entry = entryOf(map, competitor);
            entry.failedRepetitions++;
            entry.error ??= error instanceof Error ? error.message : String(error);
          }
          for (; ticked < cases.length; ticked++) progress.tick();
        }
      }
    }
    benchmarks.push({
      type,
      cases: cases.map((spec, i): CaseResult => {
        const list = runnable.map((id) => results[i]!.get(id)).filter((r): r is CompetitorCaseResult => !!r);
        for (const r of list) {
          r.status = r.samples.length > 0 ? 'ok' : 'failed';
          r.summary = summaryOf(r);
        }
        return {
          spec,
          results: list,
          ratios: caseRatios(list, headlineMetrics(spec), (id) => competitorEntry(id).family === 'bp'),
        };
      }),
    });
  }

  let codec = null;
  if (options.benchmarks.includes('codec')) {
    progress.status('codec');
    codec = await runCodecBenchmark(options, placement);
    progress.tick();
  }

  return {
    schemaVersion: 1,
    tool: { name: '@bp/bench', version: toolVersion() },
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { ...machine, loadAverageAfter: loadAverage() },
    node: { version: process.version, v8: process.versions.v8 },
    git: gitInfo(),
    packages: packageVersions(RECORDED_PACKAGES, selfScript()),
    placement,
    options,
    competitors,
    benchmarks,
    codec,
    targets: checkTargets(benchmarks, options.quick),
    timelines,
    plots: [],
  };
}

/** Loads each requested alternative once, so one that cannot run here is reported, not fatal. */
async function checkCompetitors(ids: string[]): Promise<CompetitorInfo[]> {
  const out: CompetitorInfo[] = [];
  for (const entry of COMPETITORS.filter((c) => ids.includes(c.id))) {
    const info: CompetitorInfo = {
      id: entry.id,
      label: entry.label,
      family: entry.family,
      transport: entry.transport,
      available: true,
    };
    try {
      await entry.load();
    } catch (error) {
      info.available = false;
      info.reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    }
    out.push(info);
  }
  return out;
}

function entryOf(map: Map<string, CompetitorCaseResult>, competitor: string): CompetitorCaseResult {
  let entry = map.get(competitor);
  if (entry === undefined) {
    entry = { competitor, status: 'ok', failedRepetitions: 0, samples: [], summary: {}, errors: 0 };
    map.set(competitor, entry);
  }
  return entry;
}

function summaryOf(result: CompetitorCaseResult): Record<string, Summary> {
  const names = new Set(result.samples.flatMap((s) => Object.keys(s.metrics)));
  const out: Record<string, Summary> = {};
  for (const name of names) {
    const values = result.samples.map((s) => s.metrics[name]).filter((v): v is number => v !== undefined);
    if (values.length > 0 && values.every(Number.isFinite)) out[name] = summarize(values);
  }
  return out;
}

/** The list rotated left by `by` places. */
export function rotate<T>(list: readonly T[], by: number): T[] {
  if (list.length === 0) return [];
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}
