import type { PairCaseResult } from './run/process-pair.js';
import type { CaseSpec } from './scenarios/case-spec.js';

/** How one metric is named, shown and judged. */
export interface MetricInfo {
  label: string;
  unit: string;
  /** Which direction is better. */
  better: 'higher' | 'lower';
}

/**
 * Every metric a result file may hold, keyed by the name used in it. Throughput and latency are
 * the headline figures; CPU, memory and event-loop delay are the resources behind them.
 */
export const METRICS: Record<string, MetricInfo> = {
  msgsPerSec: { label: 'throughput', unit: 'msgs/s', better: 'higher' },
  mbPerSec: { label: 'payload throughput', unit: 'MB/s', better: 'higher' },
  latencyP50Us: { label: 'latency p50', unit: 'µs', better: 'lower' },
  latencyP95Us: { label: 'latency p95', unit: 'µs', better: 'lower' },
  latencyP99Us: { label: 'latency p99', unit: 'µs', better: 'lower' },
  latencyMaxUs: { label: 'latency max', unit: 'µs', better: 'lower' },
  wireBytesPerMessage: { label: 'bytes on the wire per message', unit: 'B', better: 'lower' },
  pushesPerSec: { label: 'pushes received', unit: 'msgs/s', better: 'higher' },
  connectionsPerSec: { label: 'connections opened', unit: 'conn/s', better: 'higher' },
  serverRssPerConnectionKB: { label: 'server RSS per idle connection', unit: 'KB', better: 'lower' },
  serverHeapPerConnectionKB: { label: 'server heap per idle connection', unit: 'KB', better: 'lower' },
  serverCpuUsPerMessage: { label: 'server CPU per message', unit: 'µs', better: 'lower' },
  clientCpuUsPerMessage: { label: 'client CPU per message', unit: 'µs', better: 'lower' },
  serverCpuUserMs: { label: 'server CPU user', unit: 'ms', better: 'lower' },
  serverCpuSysMs: { label: 'server CPU sys', unit: 'ms', better: 'lower' },
  clientCpuUserMs: { label: 'client CPU user', unit: 'ms', better: 'lower' },
  clientCpuSysMs: { label: 'client CPU sys', unit: 'ms', better: 'lower' },
  serverPeakRssMB: { label: 'server peak RSS', unit: 'MB', better: 'lower' },
  clientPeakRssMB: { label: 'client peak RSS', unit: 'MB', better: 'lower' },
  serverEventLoopDelayP99Ms: { label: 'server event-loop delay p99', unit: 'ms', better: 'lower' },
  clientEventLoopDelayP99Ms: { label: 'client event-loop delay p99', unit: 'ms', better: 'lower' },
};

/**
 * Metric names whose values are resource readings: they may be 0 (CPU time is accounted in
 * scheduler ticks, so a short window can show no user or no system time at all).
 */
export const RESOURCE_METRICS = new Set([
  'serverCpuUserMs',
  'clientCpuUserMs',
  'serverCpuSysMs',
  'clientCpuSysMs',
  'serverEventLoopDelayP99Ms',
  'clientEventLoopDelayP99Ms',
]);

/** The metrics ratios and targets are computed for, by case kind. */
export function headlineMetrics(spec: CaseSpec): string[] {
  switch (spec.kind) {
    case 'stream':
      return ['msgsPerSec'];
    case 'request-response':
      return ['msgsPerSec', 'latencyP50Us', 'latencyP99Us'];
    case 'realistic':
      return ['latencyP50Us', 'latencyP99Us', 'serverCpuUsPerMessage'];
    case 'idle':
      return ['serverRssPerConnectionKB'];
  }
}

const MB = 1e6;

/** The metrics of one case from one process pair. */
export function metricsOf(spec: CaseSpec, result: PairCaseResult): Record<string, number> {
  const m = result.measurement;
  const seconds = m.durationMs / 1000;
  const out: Record<string, number> = {};
  const perMessage = (ms: number) => (m.messages > 0 ? (ms * 1000) / m.messages : 0);
  if (spec.kind === 'idle') {
    const base = result.serverMemory?.baseline;
    const loaded = result.serverMemory?.loaded;
    const n = m.idle?.connections ?? 0;
    if (base && loaded && n > 0) {
      // Opening connections quickly grows the young generation by several MB (15 MB for bp-tcp's
      // 2,000, 1 to 2 MB for 100), and an idle-time GC may shrink it again before the other
      // reading: counted, it made 100 ws-msgpackr connections -16 KB each in one run of five.
      const young = (loaded.youngGenerationBytes ?? 0) - (base.youngGenerationBytes ?? 0);
      out.serverRssPerConnectionKB = (loaded.rssBytes - base.rssBytes - young) / 1024 / n;
      out.serverHeapPerConnectionKB = (loaded.heapUsedBytes - base.heapUsedBytes) / 1024 / n;
    }
    out.connectionsPerSec = n / seconds;
  } else {
    out.msgsPerSec = m.messages / seconds;
    out.mbPerSec = m.payloadBytes / MB / seconds;
    if (m.latency) {
      out.latencyP50Us = m.latency.p50;
      out.latencyP95Us = m.latency.p95;
      out.latencyP99Us = m.latency.p99;
      out.latencyMaxUs = m.latency.max;
    }
    if (m.pushes !== undefined) out.pushesPerSec = m.pushes / seconds;
  }
  if (m.wireBytes !== undefined && m.messages > 0) out.wireBytesPerMessage = m.wireBytes / m.messages;
  out.serverCpuUsPerMessage = perMessage(result.server.cpuUserMs + result.server.cpuSysMs);
  out.clientCpuUsPerMessage = perMessage(m.client.cpuUserMs + m.client.cpuSysMs);
  out.serverCpuUserMs = result.server.cpuUserMs;
  out.serverCpuSysMs = result.server.cpuSysMs;
  out.clientCpuUserMs = m.client.cpuUserMs;
  out.clientCpuSysMs = m.client.cpuSysMs;
  out.serverPeakRssMB = result.server.peakRssMB;
  out.clientPeakRssMB = m.client.peakRssMB;
  out.serverEventLoopDelayP99Ms = result.server.eventLoopDelayP99Ms;
  out.clientEventLoopDelayP99Ms = m.client.eventLoopDelayP99Ms;
  return out;
}
