// The @bp/codec comparison benchmark as a reusable module: scenarios, adapters (hand-written
// reference, bp's paths, third-party libraries) and runCodecBench(), which measures them in one
// process, alternating libraries round by round, and returns a plain, JSON-able results object.
// The CLI around it is codec-bench.mjs; @bp/bench imports this module:
//
//   const { runCodecBench } = await import('<repo>/packages/codec/bench/codec-suite.mjs');
//   const { formatText, formatMarkdown } = await import('<repo>/packages/codec/bench/report.mjs');
//   const results = await runCodecBench({ quick: true, filter: 'SENSOR', log: console.error });
//
// It measures the @bp/codec build it resolves (dist/, through the `node` condition) and needs the
// codec's devDependencies (msgpackr, protobufjs, avsc) installed. For stable numbers run it in a
// process pinned to one CPU (the CLI re-runs itself under taskset), with --expose-gc if possible.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { bpAdapters, bpInfo } from './bp-adapters.mjs';
import { libraries, libraryVersions } from './competitors.mjs';
import { handWritten } from './hand-written.mjs';
import { compileDirectLoop, compileLoop } from './loops.mjs';
import { calibrate, measureAllocation, startGcRecorder, timeOnce } from './measure.mjs';
import { median } from './median.mjs';
import { scenarios } from './scenarios.mjs';
import { evaluateTargets } from './targets.mjs';

export { bpAdapters, handWritten, libraries, scenarios };

/** The operations measured, in table order. */
export const operations = /** @type {const} */ (['encodeInto', 'encode', 'decode']);

/** Every adapter, in table order: the reference, bp's paths, then the libraries. */
export const adapters = [handWritten, ...bpAdapters, ...libraries];

/** Timing settings of a full run and of --quick. */
export const presets = {
  full: { sampleMs: 30, warmupMs: 150, rounds: 9, allocTrials: 5, clock: 'cpu' },
  quick: { sampleMs: 6, warmupMs: 15, rounds: 3, allocTrials: 3, clock: 'cpu' },
};

function describeMachine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

function deepEqual(a, b) {
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  for (const key of Object.keys(a)) if (!deepEqual(a[key], b[key])) return false;
  return true;
}

/** Copies encoded messages into one ArrayBuffer, as a receive buffer would hold them, and returns views. */
function wirePool(encoded, buffers) {
  let size = 0;
  for (const bytes of encoded) size += (bytes.length + 7) & ~7;
  const backing = new ArrayBuffer(size + 8);
  const views = [];
  // Start at 8, not 0: a frame inside a receive buffer rarely starts at its byte 0.
  let offset = 8;
  for (const bytes of encoded) {
    const view = buffers
      ? Buffer.from(backing, offset, bytes.length)
      : new Uint8Array(backing, offset, bytes.length);
    view.set(bytes);
    views.push(view);
    offset += (bytes.length + 7) & ~7;
  }
  return views;
}

/** The operations of a direct adapter: its codec's methods, called on the codec in `ctx`. */
const directOps = {
  encodeInto: (ctx, v, target) => ctx.codec.encodeInto(v, target, 0),
  encode: (ctx, v) => ctx.codec.encode(v),
  decode: (ctx, bytes) => ctx.codec.decode(bytes, 0),
};

/**
 * An adapter's operation for a scenario's shape: one function for all, or one per shape. A direct
 * adapter (the reference and bp) has a codec object instead; these functions only serve the
 * round-trip check, the timed loop calls the codec itself.
 */
export function operationFor(adapter, op, shape) {
  if (adapter.direct === true) return directOps[op];
  const fn = adapter[op];
  return typeof fn === 'function' || fn === undefined ? fn : fn[shape];
}

/** The machine's load average, /proc/loadavg where there is one (it also counts runnable tasks). */
function loadNow() {
  try {
    const [one, five, fifteen, tasks] = readFileSync('/proc/loadavg', 'utf8').trim().split(/\s+/);
    return { one: Number(one), five: Number(five), fifteen: Number(fifteen), runnable: tasks };
  } catch {
    const [one, five, fifteen] = os.loadavg();
    return { one, five, fifteen, runnable: undefined };
  }
}

/**
 * Prepares one adapter for one scenario: context, wire pool, a round-trip check of every value,
 * and wire sizes. Throws if the adapter does not round-trip the scenario's values.
 */
function prepare(adapter, scenario, originals) {
  const ctx = adapter.setup(scenario);
  if (ctx === undefined) return undefined;
  const values = adapter.input === undefined ? originals : originals.map(adapter.input);
  const encode = operationFor(adapter, 'encode', scenario.shape);
  const decode = operationFor(adapter, 'decode', scenario.shape);
  const encodeInto = operationFor(adapter, 'encodeInto', scenario.shape);
  const encoded = values.map((v) => Uint8Array.prototype.slice.call(encode(ctx, v)));
  const wire = wirePool(encoded, adapter.buffers === true);
  const targetSize = Math.max(scenario.maxBytes, 16384);
  const target = adapter.buffers === true ? Buffer.alloc(targetSize) : new Uint8Array(targetSize);
  let decodedBytesAreViews;
  for (let i = 0; i < values.length; i++) {
    const decoded = decode(ctx, wire[i]);
    if (!deepEqual(originals[i], decoded)) {
      throw new Error(`${adapter.id} does not round-trip ${scenario.id} value #${i}`);
    }
    if (scenario.shape === 'blob') decodedBytesAreViews = decoded.data.buffer === wire[i].buffer;
    if (encodeInto !== undefined) {
      const written = encodeInto(ctx, values[i], target);
      if (written !== encoded[i].length) {
        throw new Error(
          `${adapter.id}.encodeInto wrote ${written} bytes for ${scenario.id} #${i}, encode gave ${encoded[i].length}`,
        );
      }
    }
  }
  const sizes = encoded.map((b) => b.length);
  return {
    ctx,
    values,
    wire,
    target,
    encoded,
    decodedBytesAreViews,
    wireBytes: {
      mean: Math.round((sizes.reduce((a, b) => a + b, 0) / sizes.length) * 10) / 10,
      min: Math.min(...sizes),
      max: Math.max(...sizes),
    },
  };
}

/**
 * Runs the comparison.
 * @param {object} [options]
 * @param {boolean} [options.quick]   short samples and fewer rounds (seconds instead of minutes)
 * @param {string | RegExp} [options.filter]  keep cases whose `scenario/adapter/op` matches (e.g. 'SENSOR', 'bp', '/decode')
 * @param {Partial<typeof presets.full>} [options.timing]  override sample length, warm-up, rounds
 * @param {(line: string) => void} [options.log]  progress lines (default: none)
 * @param {typeof adapters} [options.adapters]
 * @param {typeof scenarios} [options.scenarios]
 * @returns {Promise<CodecBenchResults>}
 */
export async function runCodecBench(options = {}) {
  const timing = { ...(options.quick ? presets.quick : presets.full), ...options.timing };
  const filter =
    options.filter === undefined || options.filter instanceof RegExp
      ? options.filter
      : new RegExp(options.filter, 'i');
  const log = options.log ?? (() => {});
  const useAdapters = options.adapters ?? adapters;
  const useScenarios = options.scenarios ?? scenarios;
  const gcNow = typeof globalThis.gc === 'function' ? globalThis.gc : undefined;
  const gc = startGcRecorder();
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  const procLoadBefore = loadNow();
  const started = performance.now();
  let checksum = 0;

  /** @type {CaseResult[]} */
  const cases = [];
  const scenarioInfo = [];
  const adapterInfo = new Map();
  const skipped = [];
  const failures = [];

  try {
    for (const scenario of useScenarios) {
      // Which adapters run which operation here; the reference always runs where anything else
      // does, since every ratio is taken against it.
      const selected = operations.map((op) => {
        const chosen = useAdapters.filter(
          (a) =>
            operationFor(a, op, scenario.shape) !== undefined &&
            (filter === undefined || filter.test(`${scenario.id}/${a.id}/${op}`)),
        );
        if (chosen.length > 0) {
          for (const a of useAdapters) if (a.kind === 'reference' && !chosen.includes(a)) chosen.unshift(a);
        }
        return chosen;
      });
      const needed = useAdapters.filter((a) => selected.some((list) => list.includes(a)));
      if (needed.length === 0) continue;
      const values = scenario.values();
      /** @type {Map<string, ReturnType<typeof prepare>>} */
      const prepared = new Map();
      for (const adapter of needed) {
        try {
          const p = prepare(adapter, scenario, values);
          if (p === undefined)
            skipped.push({ scenario: scenario.id, adapter: adapter.id, reason: 'unsupported' });
          else prepared.set(adapter.id, p);
        } catch (error) {
          const message = String(error?.message ?? error).slice(0, 300);
          failures.push({ scenario: scenario.id, adapter: adapter.id, error: message });
          log(`  ! ${adapter.id} on ${scenario.id}: ${message}`);
        }
        adapterInfo.set(adapter.id, {
          id: adapter.id,
          kind: adapter.kind,
          label: adapter.label,
          how: adapter.how,
        });
      }
      if (prepared.size === 0) continue;
      scenarioInfo.push({ id: scenario.id, description: scenario.description, poolSize: values.length });

      for (const [index, op] of operations.entries()) {
        const group = [];
        for (const adapter of selected[index]) {
          const p = prepared.get(adapter.id);
          if (p === undefined) continue;
          const inputs = op === 'decode' ? p.wire : p.values;
          const loop =
            adapter.direct === true
              ? compileDirectLoop(op, { codec: p.ctx.codec, inputs, target: p.target, field: scenario.field })
              : compileLoop(op, {
                  op: operationFor(adapter, op, scenario.shape),
                  consume: op === 'decode' ? scenario.consume : undefined,
                  ctx: p.ctx,
                  inputs,
                  target: p.target,
                });
          group.push({
            adapter,
            p,
            loop,
            n: 0,
            samples: [],
            wallSamples: [],
            cpuShare: [],
            windows: [],
            ops: 0,
          });
        }
        if (group.length === 0) continue;
        log(`${scenario.id} ${op}: ${group.map((g) => g.adapter.id).join(', ')}`);
        const groupLoad = loadNow();

        // One full collection per group (when exposed), so garbage from the previous group does not
        // land in this one. Not per sample: V8 flushes the bytecode (and optimized code) of
        // functions that sit unused through several full collections, so collecting before every
        // sample would make each library re-warm in every round.
        gcNow?.();
        for (const g of group) {
          const c = calibrate(g.loop, timing.sampleMs, timing.warmupMs);
          g.n = c.n;
          checksum += c.checksum;
        }
        // Alternate: every round runs every library once, starting one place later each round,
        // so drift in machine speed spreads over all of them instead of landing on one.
        for (let round = 0; round < timing.rounds; round++) {
          for (let k = 0; k < group.length; k++) {
            const g = group[(k + round) % group.length];
            const from = performance.now();
            const t = timeOnce(g.loop, g.n);
            const to = performance.now();
            checksum += t.checksum;
            g.samples.push((g.n * 1e9) / (timing.clock === 'wall' ? t.ns : Math.max(t.cpuNs, 1)));
            g.wallSamples.push((g.n * 1e9) / t.ns);
            g.cpuShare.push(t.cpuNs / t.ns);
            g.windows.push([from, to]);
            g.ops += g.n;
          }
        }
        await gc.flush();
        for (const g of group) {
          let minorGcs = 0;
          for (const [from, to] of g.windows) minorGcs += gc.countMinorIn(from, to);
          const opsPerSec = median(g.samples);
          const alloc = await measureAllocation(g.loop, opsPerSec, gc, { trials: timing.allocTrials });
          checksum += alloc.checksum;
          cases.push({
            scenario: scenario.id,
            adapter: g.adapter.id,
            kind: g.adapter.kind,
            op,
            opsPerSec,
            best: Math.max(...g.samples),
            samples: g.samples,
            wallSamples: g.wallSamples,
            cpuShare: median(g.cpuShare),
            spread: (Math.max(...g.samples) - Math.min(...g.samples)) / opsPerSec,
            loop: g.adapter.direct === true ? 'direct' : 'adapter',
            load: { before: groupLoad, after: loadNow() },
            timedOps: g.ops,
            minorGcs,
            bytesPerOp: alloc.bytesPerOp,
            wireBytes: g.p.wireBytes,
            decodedBytesAreViews: g.p.decodedBytesAreViews,
          });
        }
        gc.prune(performance.now());
      }
    }
  } finally {
    gc.stop();
  }

  addRatios(cases);
  return {
    tool: '@bp/codec bench',
    // A smoke run: its rounds are too short for ratios or targets to mean anything.
    quick: options.quick === true,
    startedAt: startedAt.toISOString(),
    durationSec: Math.round((performance.now() - started) / 100) / 10,
    machine: describeMachine(),
    runtime: { node: process.version, v8: process.versions.v8, execArgv: process.execArgv },
    loadAverage: { before: loadBefore, after: os.loadavg() },
    procLoadavg: { before: procLoadBefore, after: loadNow() },
    timing,
    exposedGc: gcNow !== undefined,
    bp: bpInfo,
    libraryVersions,
    scenarios: scenarioInfo,
    adapters: [...adapterInfo.values()],
    skipped,
    failures,
    cases,
    // How much of its CPU the process had while timing: 1 on an idle machine; well below it, other
    // processes ran on the same CPU and the CPU-time clock (not wall time) is what kept the numbers.
    cpuShare: cases.length === 0 ? undefined : median(cases.map((c) => c.cpuShare)),
    targets: evaluateTargets(cases),
    checksum,
  };
}

/**
 * Median over the rounds of the ratio of two cases' samples taken in the same round. Pairing by
 * round keeps what happened to the machine during a round (another process on the sibling
 * hyperthread halves a tight loop's speed, and CPU time cannot see that) out of the ratio
 * better than dividing the two medians: measured here, bp/hand-written for SENSOR encodeInto
 * ranged 0.43-0.73 over three runs as a ratio of medians and 0.58-0.72 paired.
 */
export function pairedRatio(a, b) {
  return median(pairedRatios(a, b));
}

/** The same-round ratios of two cases (their median is {@link pairedRatio}). */
export function pairedRatios(a, b) {
  const n = Math.min(a.samples.length, b.samples.length);
  const ratios = [];
  for (let i = 0; i < n; i++) ratios.push(a.samples[i] / b.samples[i]);
  return ratios;
}

/** Adds ratios against the hand-written codec and against the fastest third-party library. */
function addRatios(cases) {
  const key = (c) => `${c.scenario}/${c.op}`;
  const hand = new Map();
  const bestLibrary = new Map();
  for (const c of cases) {
    if (c.kind === 'reference') hand.set(key(c), c);
    if (c.kind === 'library') {
      const best = bestLibrary.get(key(c));
      if (best === undefined || c.opsPerSec > best.opsPerSec) bestLibrary.set(key(c), c);
    }
  }
  for (const c of cases) {
    const h = hand.get(key(c));
    const b = bestLibrary.get(key(c));
    c.vsHandWritten = h === undefined ? undefined : pairedRatio(c, h);
    if (h !== undefined) {
      const r = pairedRatios(c, h);
      c.vsHandWrittenRange = [Math.min(...r), Math.max(...r)];
    }
    c.vsFastestLibrary = b === undefined ? undefined : pairedRatio(c, b);
    c.fastestLibrary = b?.adapter;
  }
}

/**
 * @typedef {object} CaseResult
 * @property {string} scenario
 * @property {string} adapter
 * @property {'reference' | 'bp' | 'library'} kind
 * @property {'encodeInto' | 'encode' | 'decode'} op
 * @property {number} opsPerSec   median over the rounds
 * @property {number} best        the best round's ops/s
 * @property {number[]} samples   ops/s of each round, by process CPU time (timing.clock 'cpu') or wall time
 * @property {number[]} wallSamples  ops/s of each round by wall-clock time
 * @property {number} cpuShare    median of CPU time / wall time over the rounds (below ~0.95: other
 *   processes took the CPU for part of the run)
 * @property {number} spread      (max - min) / median of the samples
 * @property {number} timedOps    operations across all timed rounds
 * @property {number} minorGcs    scavenges that started during the timed rounds
 * @property {number | undefined} bytesPerOp  heap + ArrayBuffer bytes allocated per operation
 * @property {{ mean: number, min: number, max: number }} wireBytes
 * @property {boolean | undefined} decodedBytesAreViews  BLOB: decoded bytes share the wire's memory
 * @property {number | undefined} vsHandWritten     median over rounds of this / hand-written, same round
 * @property {[number, number] | undefined} vsHandWrittenRange  lowest and highest same-round ratio
 * @property {'direct' | 'adapter'} loop  how the loop calls the codec: directly (reference, bp) or
 *   through the adapter's `op(ctx, input)` (libraries)
 * @property {{ before: object, after: object }} load  /proc/loadavg around this case's group
 * @property {number | undefined} vsFastestLibrary  the same against the library with the best median
 * @property {string | undefined} fastestLibrary
 *
 * @typedef {Awaited<ReturnType<typeof runCodecBench>>} CodecBenchResults
 */
