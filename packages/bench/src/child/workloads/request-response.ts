import type { BenchClient } from '../../competitors/types.js';
import type { RequestResponseCase } from '../../scenarios/case-spec.js';
import { latencyPercentiles, logHistogram } from '../../stats.js';
import { isEcho, type Messages, payloadSize, streamValue } from '../../workload/messages.js';
import { LatencyRecorder } from '../latency-recorder.js';
import type { ClientMeasurement } from '../measurement.js';
import type { WindowHooks } from './hooks.js';

/** Distinct request values the workers rotate through, so no single cached object flatters a codec. */
const ROTATION = 16;

/**
 * Request/response: `concurrency` workers on one client, each sending a request as soon as its
 * previous one is answered, every reply checked against what was sent.
 */
export async function runRequestResponse(
  client: BenchClient,
  spec: RequestResponseCase,
  hooks: WindowHooks,
): Promise<ClientMeasurement> {
  const values = Array.from({ length: ROTATION }, (_, k) => streamValue(spec.message, k + 1, spec.size));
  const warm = await run(client, spec, values, spec.warmupMs, undefined);
  const recorder = new LatencyRecorder();

  hooks.begin();
  const started = performance.now();
  const result = await run(client, spec, values, spec.durationMs, recorder);
  const durationMs = performance.now() - started;
  const window = hooks.end();

  const latencies = recorder.values();
  const bytesEach = 2 * payloadSize(spec.message, values[0]!);
  return {
    messages: result.completed,
    durationMs,
    payloadBytes: result.completed * bytesEach,
    wireBytes: window.wireBytes,
    errors: warm.errors + result.errors,
    latency: latencyPercentiles(latencies),
    latencyHistogram: logHistogram(latencies, 1, 20),
    client: window.client,
  };
}

async function run(
  client: BenchClient,
  spec: RequestResponseCase,
  values: Messages[keyof Messages][],
  durationMs: number,
  recorder: LatencyRecorder | undefined,
): Promise<{ completed: number; errors: number }> {
  const deadline = performance.now() + durationMs;
  let started = 0;
  let completed = 0;
  let errors = 0;
  const worker = async () => {
    while (started < spec.maxRequests && performance.now() < deadline) {
      const value = values[started++ % ROTATION]!;
      const sentAt = performance.now();
      const reply = await client.request(spec.message, value);
      recorder?.record((performance.now() - sentAt) * 1000);
      completed++;
      if (!isEcho(spec.message, value, reply)) errors++;
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  return { completed, errors };
}
