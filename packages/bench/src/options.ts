import { parseArgs } from 'node:util';
import { COMPETITORS } from './competitors/registry.js';
import type { PlacementRequest } from './run/placement.js';
import { parseSizeDistribution } from './size-distribution.js';

/** The benchmark types, in the order a run performs them. */
export const BENCHMARK_TYPES = ['fixed', 'variable', 'realistic', 'idle', 'codec'] as const;
/** One benchmark type. */
export type BenchmarkType = (typeof BENCHMARK_TYPES)[number];

/** bp's transports, selectable with `--transports`. */
export const TRANSPORTS = ['tcp', 'tls', 'ws'] as const;
/** What users would pick instead, selectable with `--compare`. */
export const ALTERNATIVES = ['http-json', 'ws-json', 'ws-msgpackr', 'socket-io', 'grpc'] as const;

/** Everything a run was asked to do (recorded in the result file as given after defaults). */
export interface BenchOptions {
  benchmarks: BenchmarkType[];
  /** Measured window of each case, milliseconds. */
  durationMs: number;
  warmupMs: number;
  repetitions: number;
  /** One-way stream length (the window also ends at durationMs). */
  messages: number;
  /** Fixed benchmark: requests in flight for the request/response cases. */
  concurrency: number[];
  /** Variable benchmark: payload sizes in bytes and the requests in flight. */
  sizes: number[];
  variableConcurrency: number;
  /** Realistic benchmark. */
  clients: number;
  realisticDurationMs: number;
  mix: { request: number; send: number };
  thinkMs: number;
  sizeDistribution: string;
  maxSize: number;
  pushFraction: number;
  pushIntervalMs: number;
  pushSizes: string;
  /** Idle benchmark: connections held open. */
  idleConnections: number;
  /** bp transports to run (their hand-written references come along). */
  transports: (typeof TRANSPORTS)[number][];
  /** Alternatives to run beside bp. */
  compare: string[];
  /** Competitor ids the run includes, in table order (derived from transports and compare). */
  competitors: string[];
  /** Codec benchmark: rounds of the suite (each library measured once per round); default its own. */
  codecRounds: number | undefined;
  out: string;
  quick: boolean;
  json: boolean;
  plots: boolean;
  seed: number;
  placement: PlacementRequest;
}

/** A parsed command line. */
export type Command =
  | { command: 'run'; options: BenchOptions }
  | { command: 'compare'; a: string; b: string; out: string | undefined; json: boolean }
  | { command: 'summary'; file: string; out: string | undefined; images: string | undefined }
  | { command: 'report'; file: string; out: string | undefined }
  | { command: 'help' };

export const HELP = `bp-bench: bp side by side with what users would pick instead

Usage:
  bp-bench [--all | --fixed | --variable | --realistic | --idle | --codec ...] [options]
  bp-bench compare <a.json> <b.json> [--out report.md] [--json]
  bp-bench summary <result.json> [--out docs/bench-summary.md] [--images docs/img]
  bp-bench report <result.json> [--out dir]     (re-render report.md and the plots)
  pnpm bench -- --all                     (from the repository root)

Benchmarks (several may be given; none means --all):
  --all                 every benchmark below
  --fixed               SENSOR (4 x f32) and FIXED_BENCHMARK (u32) messages: one-way stream
                        checked message by message, and request/response at each --concurrency
  --variable            request/response sweep over --sizes: throughput and latency per size
  --realistic           --clients concurrent clients, each its own mix of requests, one-way
                        messages, server pushes and think times
  --idle                --idle-connections idle connections: server memory per connection
  --codec               encode/decode micro-benchmarks (packages/codec/bench/codec-suite.mjs)

Measurement:
  --duration <s>        measured window of each case (default 2; realistic: --realistic-duration)
  --warmup <s>          warm-up before each window (default 0.5)
  --repetitions, -r <n> repetitions of each case, alternatives alternated (default 3)
  --messages <n>        one-way stream length (default 1000000; the window also ends at --duration)
  --concurrency <list>  fixed benchmark requests in flight (default 1,64)
  --sizes <list>        variable benchmark payload sizes, e.g. 16,1KiB,64KiB,1MiB
                        (default 16,256,4KiB,64KiB,1MiB)
  --variable-concurrency <n>  requests in flight in the variable benchmark (default 16)
  --codec-rounds <n>    rounds of the codec suite (default: the suite's, 7; 3 with --quick)

Realistic clients:
  --clients <n>         concurrent clients (default 50), each with its own connection
  --realistic-duration <s>  measured window (default 5)
  --mix <r,s>           relative weights of requests and one-way messages (default 60,40);
                        each client leans its own way around it
  --think <ms>          mean think time between a client's actions (default 10)
  --size-distribution <spec>  fixed:N | uniform:MIN:MAX | lognormal:MEDIAN:SIGMA | exponential:MEAN
                        (default lognormal:256:1.2)
  --max-size <bytes>    cap on drawn sizes (default 65536)
  --push-fraction <f>   share of clients subscribed to server pushes (default 0.3)
  --push-interval <ms>  one push every this many ms per subscriber (default 50)
  --push-sizes <spec>   push size distribution (default uniform:64:1024)

Idle:
  --idle-connections <n>  connections held open (default 2000)

Comparison set:
  --transports <list>   bp transports: tcp,tls,ws (default all); tcp and tls bring their
                        hand-written reference (raw-tcp, raw-tls)
  --compare <list>      alternatives: http-json,ws-json,ws-msgpackr,socket-io,grpc (default all; none)
  --placement <p>       separate (server CPU 0, client CPU 1; default) | same | none

Output:
  --out <dir>           output folder (default bench-results/<timestamp>)
  --no-plots            skip the PNG plots
  --quick               a few seconds per benchmark, for CI smoke runs
  --json                print only the JSON result on stdout
  --seed <n>            seed of the realistic workload (default 1)
  -h, --help            this text
`;

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1 << 20,
  mb: 1 << 20,
  mib: 1 << 20,
};

/** Parses `16`, `4KiB`, `1MiB` (binary units) into bytes. */
export function parseByteSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new RangeError(`"${text}" is not a size (e.g. 16, 4KiB, 1MiB)`);
  const bytes = Math.round(Number(match[1]) * unit);
  if (bytes < 1) throw new RangeError(`size "${text}" must be at least 1 byte`);
  return bytes;
}

function positive(name: string, text: string | undefined, fallback: number, integer = true): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
  }
  return value;
}

function list(text: string | undefined, fallback: string[]): string[] {
  if (text === undefined) return fallback;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function oneOf<T extends string>(name: string, values: string[], allowed: readonly T[]): T[] {
  for (const value of values) {
    if (!allowed.includes(value as T)) {
      throw new RangeError(`--${name}: unknown "${value}" (one of ${allowed.join(', ')})`);
    }
  }
  return values as T[];
}

/** Parses the command line (without the node and script arguments). */
export function parseCommand(argv: string[], now = new Date()): Command {
  // `pnpm bench -- --all` hands the separator through; it means nothing here.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      all: { type: 'boolean' },
      fixed: { type: 'boolean' },
      variable: { type: 'boolean' },
      realistic: { type: 'boolean' },
      idle: { type: 'boolean' },
      codec: { type: 'boolean' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      repetitions: { type: 'string', short: 'r' },
      messages: { type: 'string' },
      concurrency: { type: 'string' },
      sizes: { type: 'string' },
      'variable-concurrency': { type: 'string' },
      'codec-rounds': { type: 'string' },
      clients: { type: 'string' },
      'realistic-duration': { type: 'string' },
      mix: { type: 'string' },
      think: { type: 'string' },
      'size-distribution': { type: 'string' },
      'max-size': { type: 'string' },
      'push-fraction': { type: 'string' },
      'push-interval': { type: 'string' },
      'push-sizes': { type: 'string' },
      'idle-connections': { type: 'string' },
      transports: { type: 'string' },
      compare: { type: 'string' },
      placement: { type: 'string' },
      out: { type: 'string' },
      'no-plots': { type: 'boolean' },
      quick: { type: 'boolean' },
      json: { type: 'boolean' },
      seed: { type: 'string' },
      images: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { command: 'help' };
  if (positionals[0] === 'compare') {
    if (positionals.length !== 3)
      throw new RangeError('compare takes two result files: compare <a.json> <b.json>');
    return {
      command: 'compare',
      a: positionals[1]!,
      b: positionals[2]!,
      out: values.out,
      json: values.json ?? false,
    };
  }
  if (positionals[0] === 'report') {
    if (positionals.length !== 2) throw new RangeError('report takes one result file: report <result.json>');
    return { command: 'report', file: positionals[1]!, out: values.out };
  }
  if (positionals[0] === 'summary') {
    if (positionals.length !== 2)
      throw new RangeError('summary takes one result file: summary <result.json>');
    return { command: 'summary', file: positionals[1]!, out: values.out, images: values.images };
  }
  if (positionals.length > 0) throw new RangeError(`unexpected argument "${positionals[0]}" (see --help)`);

  const quick = values.quick ?? false;
  const chosen = BENCHMARK_TYPES.filter((type) => values[type]);
  const benchmarks = values.all || chosen.length === 0 ? [...BENCHMARK_TYPES] : chosen;

  const transports = oneOf('transports', list(values.transports, [...TRANSPORTS]), TRANSPORTS);
  const compareList = values.compare === 'none' ? [] : list(values.compare, [...ALTERNATIVES]);
  const compare = oneOf('compare', compareList, ALTERNATIVES);
  const competitors = COMPETITORS.filter(
    (c) =>
      (c.family === 'bp' && transports.includes(c.transport as (typeof TRANSPORTS)[number])) ||
      (c.family === 'reference' && transports.includes(c.transport as (typeof TRANSPORTS)[number])) ||
      (c.family === 'alternative' && compare.includes(c.id as (typeof ALTERNATIVES)[number])),
  ).map((c) => c.id);

  const mixParts = list(values.mix, ['60', '40']).map(Number);
  if (mixParts.length !== 2 || mixParts.some((n) => !(n >= 0)) || mixParts[0]! + mixParts[1]! <= 0) {
    throw new RangeError(`--mix takes two non-negative weights "requests,sends", got "${values.mix}"`);
  }
  const sizeDistribution = values['size-distribution'] ?? 'lognormal:256:1.2';
  const pushSizes = values['push-sizes'] ?? 'uniform:64:1024';
  parseSizeDistribution(sizeDistribution);
  parseSizeDistribution(pushSizes);
  const pushFraction = values['push-fraction'] === undefined ? 0.3 : Number(values['push-fraction']);
  if (!(pushFraction >= 0 && pushFraction <= 1)) throw new RangeError('--push-fraction must be in [0, 1]');
  const placement = (values.placement ?? 'separate') as PlacementRequest;
  oneOf('placement', [placement], ['separate', 'same', 'none'] as const);

  const seconds = (name: string, text: string | undefined, fallback: number) =>
    Math.round(positive(name, text, fallback, false) * 1000);
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  return {
    command: 'run',
    options: {
      benchmarks,
      durationMs: seconds('duration', values.duration, quick ? 0.15 : 2),
      warmupMs: seconds('warmup', values.warmup, quick ? 0.05 : 0.5),
      repetitions: positive('repetitions', values.repetitions, quick ? 1 : 3),
      messages: positive('messages', values.messages, quick ? 20_000 : 1_000_000),
      concurrency: list(values.concurrency, ['1', '64']).map((c) => positive('concurrency', c, 1)),
      sizes: list(values.sizes, quick ? ['16', '64KiB'] : ['16', '256', '4KiB', '64KiB', '1MiB']).map(
        parseByteSize,
      ),
      variableConcurrency: positive('variable-concurrency', values['variable-concurrency'], 16),
      clients: positive('clients', values.clients, quick ? 8 : 50),
      realisticDurationMs: seconds('realistic-duration', values['realistic-duration'], quick ? 0.5 : 5),
      mix: { request: mixParts[0]!, send: mixParts[1]! },
      thinkMs: values.think === undefined ? 10 : positive('think', values.think, 10, false),
      sizeDistribution,
      maxSize: positive('max-size', values['max-size'] && String(parseByteSize(values['max-size'])), 65536),
      pushFraction,
      pushIntervalMs: positive('push-interval', values['push-interval'], 50),
      pushSizes,
      idleConnections: positive('idle-connections', values['idle-connections'], quick ? 500 : 2000),
      transports,
      compare,
      competitors,
      codecRounds:
        values['codec-rounds'] === undefined
          ? undefined
          : positive('codec-rounds', values['codec-rounds'], 1),
      out: values.out ?? `bench-results/${stamp}`,
      quick,
      json: values.json ?? false,
      plots: !values['no-plots'],
      seed: positive('seed', values.seed, 1),
      placement,
    },
  };
}
