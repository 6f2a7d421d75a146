import type { BenchClient, ClientSettings, Competitor } from '../../competitors/types.js';
import { createRandom, exponential } from '../../prng.js';
import type { RealisticCase } from '../../scenarios/case-spec.js';
import { drawSize, parseSizeDistribution } from '../../size-distribution.js';
import { latencyPercentiles, logHistogram } from '../../stats.js';
import { type BlobValue, blobValue, isBlobValue, isEcho } from '../../workload/messages.js';
import { LatencyRecorder } from '../latency-recorder.js';
import type { ClientMeasurement, PerClientResult } from '../measurement.js';
import { nextTurn, type WindowHooks } from './hooks.js';

/** Connections opened at once while the clients connect. */
const CONNECT_BATCH = 32;

/** What one simulated client does, drawn once from the run's seed so every alternative gets the same. */
interface Behaviour {
  requestShare: number;
  thinkMs: number;
  subscribed: boolean;
  random: () => number;
}

/**
 * Many concurrent clients, each its own connection and its own behaviour: a mix of requests and
 * one-way messages with sizes from a distribution and think time between actions, some of them
 * subscribed to server pushes. Reports aggregate figures and each client's own.
 */
export async function runRealistic(
  competitor: Competitor,
  settings: ClientSettings,
  spec: RealisticCase,
  hooks: WindowHooks,
): Promise<ClientMeasurement> {
  const sizes = parseSizeDistribution(spec.sizes);
  const pushSizes = parseSizeDistribution(spec.pushSizes);
  const seedRandom = createRandom(spec.seed);
  const behaviours: Behaviour[] = Array.from({ length: spec.clients }, (_, k) => {
    const base = spec.mix.request / (spec.mix.request + spec.mix.send);
    // Each client leans its own way around the run's mix and think time.
    const requestShare = Math.min(1, Math.max(0, base * (0.5 + seedRandom())));
    return {
      requestShare,
      thinkMs: spec.thinkMs * (0.5 + 1.5 * seedRandom()),
      subscribed: seedRandom() < spec.pushFraction,
      random: createRandom(spec.seed * 7919 + k + 1),
    };
  });

  const clients: BenchClient[] = [];
  for (let k = 0; k < behaviours.length; k += CONNECT_BATCH) {
    const batch = behaviours.slice(k, k + CONNECT_BATCH);
    clients.push(...(await Promise.all(batch.map(() => competitor.connect(settings)))));
  }

  const recorder = new LatencyRecorder();
  const results: PerClientResult[] = behaviours.map((b, k) => ({
    client: k,
    requestShare: b.requestShare,
    thinkMs: b.thinkMs,
    subscribed: b.subscribed,
    requests: 0,
    sends: 0,
    pushes: 0,
    errors: 0,
  }));
  const perClientLatency = behaviours.map(() => new LatencyRecorder(100_000));
  let measuring = false;
  let pushBytes = 0;
  const pushCount = Math.ceil((spec.warmupMs + spec.durationMs) / spec.pushIntervalMs) + 10;
  behaviours.forEach((b, k) => {
    if (!b.subscribed) return;
    const size = drawSize(pushSizes, b.random, spec.maxSize);
    clients[k]!.subscribe({ intervalMs: spec.pushIntervalMs, size, count: pushCount }, (value: BlobValue) => {
      if (!measuring) return;
      results[k]!.pushes++;
      pushBytes += value.data.length + 8;
      if (!isBlobValue(value) || value.data.length !== size) results[k]!.errors++;
    });
  });

  let payloadBytes = 0;
  const act = async (k: number, deadline: number, record: boolean) => {
    const b = behaviours[k]!;
    const client = clients[k]!;
    const result = results[k]!;
    let seq = 0;
    while (performance.now() < deadline) {
      const value = blobValue(seq++, drawSize(sizes, b.random, spec.maxSize));
      if (b.random() < b.requestShare) {
        const sentAt = performance.now();
        const reply = await client.request('blob', value);
        if (record) {
          const us = (performance.now() - sentAt) * 1000;
          recorder.record(us);
          perClientLatency[k]!.record(us);
          result.requests++;
          payloadBytes += 2 * (value.data.length + 8);
          if (!isEcho('blob', value, reply)) result.errors++;
        }
      } else {
        if (!client.send('blob', value)) await client.drained();
        if (record) {
          result.sends++;
          payloadBytes += value.data.length + 8;
        }
      }
      const think = exponential(b.random, b.thinkMs);
      await (think >= 1 ? new Promise((resolve) => setTimeout(resolve, think)) : nextTurn());
    }
  };

  const warmUntil = performance.now() + spec.warmupMs;
  await Promise.all(behaviours.map((_, k) => act(k, warmUntil, false)));
  const warmReports = await Promise.all(clients.map((c) => c.report()));

  hooks.begin();
  measuring = true;
  const started = performance.now();
  await Promise.all(behaviours.map((_, k) => act(k, started + spec.durationMs, true)));
  const reports = await Promise.all(clients.map((c) => c.report()));
  measuring = false;
  const durationMs = performance.now() - started;
  const window = hooks.end();
  await Promise.all(clients.map((c) => c.close()));

  let errors = 0;
  let messages = 0;
  let pushes = 0;
  results.forEach((result, k) => {
    const report = reports[k]!;
    // The server counts every one-way message it received and checked.
    result.errors += warmReports[k]!.errors + report.errors + Math.abs(report.received - result.sends);
    const latencies = perClientLatency[k]!.values();
    if (latencies.length > 0) {
      const p = latencyPercentiles(latencies);
      result.latencyP50Us = p.p50;
      result.latencyP99Us = p.p99;
    }
    errors += result.errors;
    messages += result.requests + result.sends + result.pushes;
    pushes += result.pushes;
  });
  const latencies = recorder.values();
  return {
    messages,
    durationMs,
    payloadBytes: payloadBytes + pushBytes,
    wireBytes: window.wireBytes,
    errors,
    latency: latencies.length > 0 ? latencyPercentiles(latencies) : undefined,
    latencyHistogram: latencies.length > 0 ? logHistogram(latencies, 1, 20) : undefined,
    pushes,
    perClient: results,
    client: window.client,
  };
}
