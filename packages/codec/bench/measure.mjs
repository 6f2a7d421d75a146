// Timing and allocation measurement for one benchmark case. A case is one operation (encodeInto,
// encode or decode) of one library on one scenario, run as a tight loop over a small pool of
// distinct inputs, with every result folded into a checksum so the optimizer cannot drop the work.
import { constants, PerformanceObserver, performance } from 'node:perf_hooks';

let compiled = 0;

/**
 * A source text no other `new Function` call has used. V8 caches `new Function`/eval compilations
 * by source text, feedback cell included, so two identical sources would share one feedback
 * vector again (seen with --trace-turbo-inlining: "FeedbackCell[many closures]").
 */
function unique(source) {
  return `${source}\n//# isolated-${++compiled}`;
}

/**
 * Re-creates a function from its source so that it gets its own SharedFunctionInfo and therefore
 * its own feedback vector. V8 shares feedback between closures made from the same function
 * literal, so without this one generic loop (or one generic adapter) used by eight libraries
 * would see eight receiver shapes, go megamorphic and stop inlining, which costs the fastest
 * codecs most and would hide the very differences we measure. The function may only use its
 * parameters and globals: closed-over variables are gone after the round trip through source.
 */
export function isolate(fn) {
  if (typeof fn !== 'function') throw new TypeError('isolate() needs a function');
  const source = fn.toString();
  if (!/^(async\s+)?(\(|[A-Za-z_$][\w$]*\s*=>|function\b)/.test(source)) {
    throw new TypeError(
      `isolate() needs an arrow function or a function expression, got: ${source.slice(0, 60)}`,
    );
  }
  return new Function(unique(`'use strict'; return (${source});`))();
}

const loopBodies = {
  // Bytes written are the checksum; the writes into `target` are side effects the JIT must keep.
  encodeInto: 'for (let i = 0; i < n; i++) { sum += op(ctx, inputs[i & mask], target); }',
  // Fresh buffers and decoded values are stored in `sink` (as a caller would keep them): without
  // that, escape analysis can inline the whole operation and never allocate the result, which
  // would flatter exactly the codecs that are small enough to inline.
  encode:
    'for (let i = 0; i < n; i++) { const bytes = op(ctx, inputs[i & mask]); sink[i & mask] = bytes; sum += bytes.length + bytes[0]; }',
  // The scenario's consume() reads the decoded fields (strings by length, bytes by length and a byte).
  decode:
    'for (let i = 0; i < n; i++) { const value = op(ctx, inputs[i & mask]); sink[i & mask] = value; sum += consume(value); }',
};

/**
 * Builds the timed loop for one case. Each call compiles a new loop function, so its call site
 * `op(...)` only ever sees one target and is inlined.
 * @param {'encodeInto' | 'encode' | 'decode'} kind
 * @param {{ op: Function, consume?: Function, ctx: unknown, inputs: unknown[], target?: Uint8Array }} parts
 * @returns {(n: number) => number} runs n operations and returns their checksum
 */
export function compileLoop(kind, { op, consume, ctx, inputs, target }) {
  const body = loopBodies[kind];
  if (body === undefined) throw new Error(`unknown operation ${kind}`);
  if ((inputs.length & (inputs.length - 1)) !== 0) throw new Error('input pool size must be a power of two');
  const factory = new Function(
    'op',
    'consume',
    'ctx',
    'inputs',
    'target',
    unique(`'use strict';
     const mask = inputs.length - 1;
     const sink = new Array(inputs.length).fill(null);
     return function loop(n) { let sum = 0; ${body} return sum; };`),
  );
  return factory(isolate(op), consume === undefined ? undefined : isolate(consume), ctx, inputs, target);
}

const directBodies = {
  encodeInto: 'for (let i = 0; i < n; i++) { sum += codec.encodeInto(inputs[i & mask], target, 0); }',
  encode:
    'for (let i = 0; i < n; i++) { const bytes = codec.encode(inputs[i & mask]); ring[i & mask] = bytes; sum += bytes.length; }',
  decode:
    'for (let i = 0; i < n; i++) { const value = codec.decode(inputs[i & mask], 0); ring[i & mask] = value; sum += value.FIELD; }',
};

/**
 * Builds the timed loop for one case in the shape a user's own code has: the codec's method
 * called directly (`codec.decode(bytes, 0)`), no context object and no adapter function between
 * the loop and the call, the result kept in a 16-slot ring as a caller keeps what it decodes, one
 * field of it read. The hand-written reference and bp's codecs are measured this way, so that the
 * ratio between them is the ratio a user sees. Each call compiles a new loop with a unique source,
 * so every call site in it sees only one codec.
 * @param {'encodeInto' | 'encode' | 'decode'} kind
 * @param {{ codec: { encodeInto: Function, encode: Function, decode: Function }, inputs: unknown[],
 *   target?: Uint8Array, field?: string }} parts  `field`: the decoded value's field that is read
 * @returns {(n: number) => number} runs n operations and returns their checksum
 */
export function compileDirectLoop(kind, { codec, inputs, target, field }) {
  const body = directBodies[kind];
  if (body === undefined) throw new Error(`unknown operation ${kind}`);
  if ((inputs.length & (inputs.length - 1)) !== 0) throw new Error('input pool size must be a power of two');
  if (kind === 'decode' && !/^[A-Za-z_$][\w$]*$/.test(field ?? '')) throw new Error(`bad field ${field}`);
  const factory = new Function(
    'codec',
    'inputs',
    'target',
    unique(`'use strict';
     const mask = inputs.length - 1;
     const ring = new Array(inputs.length).fill(null);
     return function loop(n) { let sum = 0; ${body.replace('FIELD', field ?? '')} return sum; };`),
  );
  return factory(codec, inputs, target);
}

/**
 * Runs `loop(n)` once and returns its wall time, the CPU time of the process over the same run
 * (all threads: with the process pinned to one CPU, the JIT and GC threads share that CPU with
 * the loop, so on an idle machine the two agree) and the checksum. On a shared machine the CPU
 * time is the robust one: time spent preempted by other processes is not in it.
 */
export function timeOnce(loop, n) {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const checksum = loop(n);
  const ns = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuStart);
  return { ns, cpuNs: (cpu.user + cpu.system) * 1000, checksum };
}

/**
 * Warms a loop up and finds an operation count whose run takes about `sampleMs`. Warm-up lasts at
 * least `warmupMs` and until three runs in a row agree within 5% (the JIT has settled: on one
 * pinned CPU the optimizing compiler's background thread competes with the loop itself), but at
 * most `4 * warmupMs + 10 * sampleMs`.
 */
export function calibrate(loop, sampleMs, warmupMs) {
  let n = 1;
  let checksum = 0;
  const start = performance.now();
  const deadline = start + 4 * warmupMs + 10 * sampleMs;
  // Grow until one run is long enough to time (1 ms).
  for (;;) {
    const t = timeOnce(loop, n);
    checksum += t.checksum;
    if (t.ns >= 1e6) break;
    n *= 2;
  }
  const rates = [];
  for (;;) {
    const t = timeOnce(loop, n);
    checksum += t.checksum;
    const rate = n / Math.max(t.cpuNs, 1);
    rates.push(rate);
    n = Math.max(1, Math.round(rate * sampleMs * 1e6));
    const now = performance.now();
    if (now >= deadline) break;
    if (now - start >= warmupMs && rates.length >= 3) {
      const last = rates.slice(-3);
      if (Math.max(...last) / Math.min(...last) <= 1.05) break;
    }
  }
  return { n, checksum };
}

/** Median of a numeric array (the mean of the two middle values for even lengths). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Records garbage collections with their start times, so each can be attributed to the timed
 * sample it happened in. Entries arrive asynchronously: await `flush()` before reading them.
 */
export function startGcRecorder() {
  /** @type {{ start: number, end: number, kind: number }[]} */
  const entries = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      entries.push({
        start: entry.startTime,
        end: entry.startTime + entry.duration,
        kind: entry.detail?.kind,
      });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    // Node queues a GC's entry from the GC callback and delivers it to observers a turn later:
    // one setImmediate is not enough (measured), a timer after two is.
    flush: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 2));
    },
    /** Minor (scavenge) GCs that started inside [from, to] (performance.now() times). */
    countMinorIn(from, to) {
      let count = 0;
      for (const e of entries)
        if (e.kind === constants.NODE_PERFORMANCE_GC_MINOR && e.start >= from && e.start <= to) count++;
      return count;
    },
    /** Any GC that overlaps [from, to]. */
    anyIn(from, to) {
      for (const e of entries) if (e.end >= from && e.start <= to) return true;
      return false;
    },
    /** Drops entries older than `before`, to keep the list short in long runs. */
    prune(before) {
      let keep = 0;
      for (const e of entries) if (e.end >= before) entries[keep++] = e;
      entries.length = keep;
    },
    stop: () => observer.disconnect(),
  };
}

function allocatedSince(before) {
  const after = process.memoryUsage();
  return after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
}

/**
 * Bytes allocated per operation: JS heap growth plus ArrayBuffer backing stores (which live
 * outside the JS heap), over runs short enough to fit between two scavenges. Runs in which a GC
 * happened show a shrinking heap and are discarded. The cost of process.memoryUsage() itself is
 * measured and subtracted. Returns undefined when every trial was interrupted by a GC.
 * @param {(n: number) => number} loop
 * @param {number} opsPerSec measured speed, to bound the trial length
 * @param {ReturnType<typeof startGcRecorder>} gc
 */
export async function measureAllocation(loop, opsPerSec, gc, { trials = 5, maxMs = 15 } = {}) {
  const overheadSamples = [];
  for (let i = 0; i < 5; i++) overheadSamples.push(allocatedSince(process.memoryUsage()));
  const overhead = median(overheadSamples);

  // Grow the trial until it allocates enough to measure (or reaches the time bound), staying well
  // under the young generation so most trials see no scavenge.
  const maxOps = Math.max(1, Math.floor((opsPerSec * maxMs) / 1000));
  let k = Math.min(64, maxOps);
  let checksum = 0;
  for (;;) {
    const before = process.memoryUsage();
    checksum += loop(k);
    const bytes = allocatedSince(before) - overhead;
    if (bytes >= 256 * 1024 || k >= maxOps) break;
    k = Math.min(maxOps, k * 4);
  }

  // Operations that allocate a lot (JSON of 64 KiB) trigger a collection in every trial: retry
  // with fewer operations per trial, down to one.
  for (let attempt = 0; ; attempt++) {
    const results = [];
    for (let i = 0; i < trials; i++) {
      const from = performance.now();
      const before = process.memoryUsage();
      checksum += loop(k);
      const bytes = allocatedSince(before) - overhead;
      results.push({ from, to: performance.now(), bytes });
    }
    await gc.flush();
    const clean = results.filter((r) => r.bytes >= -overhead && !gc.anyIn(r.from, r.to)).map((r) => r.bytes);
    if (clean.length > 0) return { bytesPerOp: Math.max(0, median(clean) / k), ops: k, checksum };
    if (k === 1 || attempt === 3) return { bytesPerOp: undefined, ops: k, checksum };
    k = Math.max(1, Math.floor(k / 8));
  }
}
