import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** One point of a process's resource use over time. */
export interface ResourceSample {
  /** Milliseconds since the monitor started. */
  t: number;
  /** CPU time used since the previous sample, as a percentage of one core. */
  cpuUserPct: number;
  cpuSysPct: number;
  rssMB: number;
  heapUsedMB: number;
  /** 99th percentile of event-loop delay since the previous sample, in milliseconds. */
  eventLoopDelayP99Ms: number;
}

/** A process's resource use over one measured window. */
export interface ResourceWindow {
  cpuUserMs: number;
  cpuSysMs: number;
  elapsedMs: number;
  /** Highest resident set size seen in the window. */
  peakRssMB: number;
  eventLoopDelayP99Ms: number;
}

const MB = 1024 * 1024;
const MAX_SAMPLES = 20_000;
const RESOLUTION_MS = 10;

/**
 * Samples CPU, memory and event-loop delay of the current process every `intervalMs`, and
 * measures named windows (one per benchmark case) on request.
 */
export class ResourceMonitor {
  private readonly startedAt = performance.now();
  private readonly samples: ResourceSample[] = [];
  private readonly sampleDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly windowDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private lastCpu = process.cpuUsage();
  private lastTime = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private window: { cpu: NodeJS.CpuUsage; time: number; peakRss: number } | undefined;

  constructor(private readonly intervalMs = 100) {}

  start(): void {
    this.sampleDelay.enable();
    this.windowDelay.enable();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.sampleDelay.disable();
    this.windowDelay.disable();
  }

  /** Starts a measured window (ending any open one). */
  beginWindow(): void {
    this.windowDelay.reset();
    this.window = { cpu: process.cpuUsage(), time: performance.now(), peakRss: process.memoryUsage.rss() };
  }

  /** Ends the measured window and returns its figures. */
  endWindow(): ResourceWindow {
    const open = this.window ?? { cpu: process.cpuUsage(), time: performance.now(), peakRss: 0 };
    this.window = undefined;
    const cpu = process.cpuUsage(open.cpu);
    return {
      cpuUserMs: cpu.user / 1000,
      cpuSysMs: cpu.system / 1000,
      elapsedMs: performance.now() - open.time,
      peakRssMB: Math.max(open.peakRss, process.memoryUsage.rss()) / MB,
      eventLoopDelayP99Ms: delayP99(this.windowDelay),
    };
  }

  /** The samples so far. */
  timeline(): ResourceSample[] {
    return this.samples;
  }

  private sample(): void {
    const now = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedUs = Math.max(1, (now - this.lastTime) * 1000);
    const memory = process.memoryUsage();
    if (this.window !== undefined) this.window.peakRss = Math.max(this.window.peakRss, memory.rss);
    if (this.samples.length < MAX_SAMPLES) {
      this.samples.push({
        t: Math.round(now - this.startedAt),
        cpuUserPct: (cpu.user / elapsedUs) * 100,
        cpuSysPct: (cpu.system / elapsedUs) * 100,
        rssMB: memory.rss / MB,
        heapUsedMB: memory.heapUsed / MB,
        eventLoopDelayP99Ms: delayP99(this.sampleDelay),
      });
    }
    this.sampleDelay.reset();
    this.lastCpu = process.cpuUsage();
    this.lastTime = now;
  }
}

/**
 * p99 of the delay in milliseconds. The histogram holds nanoseconds between timer ticks, which
 * include the tick interval itself; the delay is what exceeds it. 0 before the first tick.
 */
function delayP99(histogram: IntervalHistogram): number {
  if (histogram.count === 0) return 0;
  return Math.max(0, histogram.percentile(99) / 1e6 - RESOLUTION_MS);
}
