// Timing and allocation measurement for one benchmark case in Node. A case is one operation
// (encodeInto, encode or decode) of one library on one scenario, run as a tight loop over a small
// pool of distinct inputs (loops.mjs), with every result folded into a checksum so the optimizer
// cannot drop the work.
import { constants, PerformanceObserver, performance } from 'node:perf_hooks';
import { median } from './median.mjs';

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
