import { describe, expect, it } from 'vitest';
import type { MemoryReading } from '../src/child/ipc.js';
import { metricsOf } from '../src/metrics.js';
import type { IdleCase } from '../src/scenarios/case-spec.js';

const spec: IdleCase = {
  id: 'idle/connections',
  title: '2000 idle connections',
  benchmark: 'idle',
  kind: 'idle',
  connections: 2000,
  warmupMs: 0,
  durationMs: 0,
};
const window = { cpuUserMs: 1, cpuSysMs: 1, elapsedMs: 10, peakRssMB: 60, eventLoopDelayP99Ms: 1 };
const MB = 1024 * 1024;

function idleMetrics(baseline: MemoryReading, loaded: MemoryReading) {
  return metricsOf(spec, {
    measurement: {
      messages: 2000,
      durationMs: 1000,
      payloadBytes: 0,
      errors: 0,
      idle: { connections: 2000, connectMs: 1000 },
      client: window,
    },
    server: window,
    serverMemory: { baseline, loaded },
  });
}

describe('idle memory per connection', () => {
  it("leaves the young generation's growth out of the RSS, not out of anything else", () => {
    const m = idleMetrics(
      { rssBytes: 60 * MB, heapUsedBytes: 6 * MB, youngGenerationBytes: 1 * MB },
      { rssBytes: 100 * MB, heapUsedBytes: 24 * MB, youngGenerationBytes: 16 * MB },
    );
    // 40 MB more RSS, 15 MB of it the young generation: 25 MB over 2,000 connections.
    expect(m.serverRssPerConnectionKB).toBeCloseTo((25 * 1024) / 2000, 9);
    expect(m.serverHeapPerConnectionKB).toBeCloseTo((18 * 1024) / 2000, 9);
  });

  it('a young generation that shrank between the readings does not make the figure negative', () => {
    // Like the reading that failed CI once: the young generation shrank by 3 MB while the connections
    // added 1.5 MB, and plain RSS said -16 KB per connection.
    const m = idleMetrics(
      { rssBytes: 64 * MB, heapUsedBytes: 7 * MB, youngGenerationBytes: 4 * MB },
      { rssBytes: 62.5 * MB, heapUsedBytes: 8 * MB, youngGenerationBytes: 1 * MB },
    );
    expect(m.serverRssPerConnectionKB).toBeCloseTo((1.5 * 1024) / 2000, 9);
  });

  it('reads results written before the young generation was recorded as plain RSS', () => {
    const m = idleMetrics(
      { rssBytes: 60 * MB, heapUsedBytes: 6 * MB },
      { rssBytes: 80 * MB, heapUsedBytes: 16 * MB },
    );
    expect(m.serverRssPerConnectionKB).toBeCloseTo((20 * 1024) / 2000, 9);
  });
});
