import type { MemoryReading } from './child/ipc.js';
import type { PerClientResult } from './child/measurement.js';
import type { ResourceSample, ResourceWindow } from './child/resource-monitor.js';
import type { BenchmarkType, BenchOptions } from './options.js';
import type { Placement } from './run/placement.js';
import type { CaseSpec } from './scenarios/case-spec.js';
import type { LogHistogram, PairedRatio, Summary } from './stats.js';

/**
 * The result file of one run (documented by schema/result.schema.json, which the tests hold the
 * files to). Version 1.
 */
export interface RunResult {
  schemaVersion: 1;
  tool: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  node: { version: string; v8: string };
  git: { commit: string | null; dirty: boolean | null };
  /** Versions of bp's packages and of every library compared. */
  packages: Record<string, string | null>;
  placement: Placement;
  options: BenchOptions;
  competitors: CompetitorInfo[];
  benchmarks: BenchmarkResult[];
  codec: CodecResult | null;
  targets: TargetCheck[];
  timelines: Timeline[];
  /** The PNG plots written beside the result file, with their pixel sizes. */
  plots: PlotInfo[];
}

/** One PNG plot of the run. */
export interface PlotInfo {
  file: string;
  title: string;
  width: number;
  height: number;
}

/** The machine a run was taken on, and how busy it was. */
export interface MachineInfo {
  platform: string;
  arch: string;
  release: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
  /** 1-minute load average before and after the run. */
  loadAverageBefore: number;
  loadAverageAfter: number;
}

/** One alternative of the run. */
export interface CompetitorInfo {
  id: string;
  label: string;
  family: 'bp' | 'reference' | 'alternative';
  transport: string;
  /** False when it could not run here (e.g. a library that did not install); see `reason`. */
  available: boolean;
  reason?: string;
}

/** One transport benchmark type's cases. */
export interface BenchmarkResult {
  type: Exclude<BenchmarkType, 'codec'>;
  cases: CaseResult[];
}

/** One case: every alternative's samples and summaries, and bp's ratios against the others. */
export interface CaseResult {
  spec: CaseSpec;
  results: CompetitorCaseResult[];
  ratios: RatioEntry[];
}

/** One alternative in one case. */
export interface CompetitorCaseResult {
  competitor: string;
  /** 'failed' when no repetition produced figures. */
  status: 'ok' | 'failed';
  /** Repetitions that failed (their error is in `error`, the first one kept). */
  failedRepetitions: number;
  error?: string;
  samples: RepetitionSample[];
  /** Per metric, the statistics over the repetitions. */
  summary: Record<string, Summary>;
  /** Content errors over all repetitions (must be 0). */
  errors: number;
}

/** One repetition's raw figures. */
export interface RepetitionSample {
  repetition: number;
  /** Position of this alternative in the repetition's order (alternatives rotate every repetition). */
  position: number;
  startedAt: string;
  metrics: Record<string, number>;
  errors: number;
  messages: number;
  durationMs: number;
  latencyHistogram?: LogHistogram;
  perClient?: PerClientResult[];
  client: ResourceWindow;
  server: ResourceWindow;
  serverMemory?: Record<string, MemoryReading>;
}

/** bp against another alternative on one metric, as "how many times better bp is" (>1: bp better). */
export interface RatioEntry {
  bp: string;
  other: string;
  metric: string;
  /** Paired over repetitions: higher-is-better metrics bp/other, lower-is-better other/bp. */
  advantage: PairedRatio;
}

/** A target from the issue: bp against its hand-written reference. */
export interface TargetCheck {
  id: string;
  description: string;
  bp: string;
  reference: string;
  caseId: string;
  metric: string;
  /** bp / reference, paired over repetitions. */
  ratio: PairedRatio | null;
  /** The limit on `ratio.median`: at least (`min`) or at most (`max`). */
  limit: { min?: number; max?: number };
  /** `not-judged`: the case ran in a `--quick` smoke run, too short to judge. */
  status: 'met' | 'missed' | 'not-run' | 'not-judged';
}

/** Resource use over time of one process. */
export interface Timeline {
  benchmark: string;
  competitor: string;
  repetition: number;
  role: 'server' | 'client';
  samples: ResourceSample[];
}

/** The codec benchmark: what the codec package's suite returned, with a table when it has one. */
export interface CodecResult {
  status: 'ok' | 'failed' | 'unavailable';
  error?: string;
  /** Rows recognised in the suite's output: one per library, message and operation. */
  rows: CodecRow[];
  /** The suite's own result, as it returned it. */
  raw: unknown;
}

/** One codec figure: a library (adapter) doing one operation on one scenario's messages. */
export interface CodecRow {
  library: string;
  /** reference (hand-written), bp, or library. */
  kind?: string;
  message: string;
  operation: string;
  opsPerSec: number;
  /** (max - min) / median over the suite's rounds. */
  spread?: number;
  /** ops/s relative to the hand-written codec. */
  vsHandWritten?: number;
  /** Heap and ArrayBuffer bytes allocated per operation. */
  bytesPerOp?: number;
  /** Mean encoded size. */
  wireBytes?: number;
}
