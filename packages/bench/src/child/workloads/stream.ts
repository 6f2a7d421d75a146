import type { BenchClient } from '../../competitors/types.js';
import type { StreamCase } from '../../scenarios/case-spec.js';
import { payloadSize, streamValue } from '../../workload/messages.js';
import type { ClientMeasurement } from '../measurement.js';
import { nextTurn, type WindowHooks } from './hooks.js';

/** Messages sent between looks at the clock (and turns given to the event loop). */
const BATCH = 1024;

/**
 * One-way stream: sends message 0, 1, 2, ... as fast as the client accepts them until the count
 * or the time is up, then asks the server what it received. The window closes with the server's
 * report, so it covers delivery and checking of every message, not only handing them to a socket.
 */
export async function runStream(
  client: BenchClient,
  spec: StreamCase,
  hooks: WindowHooks,
): Promise<ClientMeasurement> {
  await pump(client, spec, performance.now() + spec.warmupMs);
  const warm = await client.report();

  hooks.begin();
  const started = performance.now();
  const sent = await pump(client, spec, started + spec.durationMs);
  const report = await client.report();
  const durationMs = performance.now() - started;
  const window = hooks.end();

  const bytesEach = payloadSize(spec.message, streamValue(spec.message, 0, spec.size));
  return {
    messages: report.received,
    durationMs,
    payloadBytes: report.received * bytesEach,
    wireBytes: window.wireBytes,
    errors: warm.errors + report.errors + Math.abs(sent - report.received),
    client: window.client,
  };
}

async function pump(client: BenchClient, spec: StreamCase, deadline: number): Promise<number> {
  const { message, size, messages } = spec;
  let i = 0;
  while (i < messages) {
    const stop = Math.min(messages, i + BATCH);
    for (; i < stop; i++) {
      if (!client.send(message, streamValue(message, i, size))) await client.drained();
    }
    if (performance.now() >= deadline) break;
    await nextTurn();
  }
  return i;
}
