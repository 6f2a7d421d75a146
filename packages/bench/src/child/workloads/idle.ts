import type { BenchClient, ClientSettings, Competitor } from '../../competitors/types.js';
import type { IdleCase } from '../../scenarios/case-spec.js';
import { fixed4Value, isEcho } from '../../workload/messages.js';
import type { ClientMeasurement } from '../measurement.js';
import type { WindowHooks } from './hooks.js';

const CONNECT_BATCH = 64;

/**
 * Idle connections: each connects and makes one request (so every layer has set up its state),
 * then stays open doing nothing while the harness reads the server's memory. A first batch of
 * connections, opened as the measured ones are, stays open through the baseline: the server's
 * code paths, pools and heap are then at their working size, and what the readings differ by is
 * what each further connection holds (without it, one-time growth and V8 handing back startup
 * pages made a smoke run's 100 connections read -24 KB each on a busy CI machine).
 */
export async function runIdle(
  competitor: Competitor,
  settings: ClientSettings,
  spec: IdleCase,
  hooks: WindowHooks,
): Promise<ClientMeasurement> {
  let errors = 0;
  const open = async (k: number) => {
    const client = await competitor.connect(settings);
    const value = fixed4Value(k);
    if (!isEcho('fixed4', value, await client.request('fixed4', value))) errors++;
    return client;
  };
  const warm = await Promise.all(
    Array.from({ length: CONNECT_BATCH }, (_, j) => open(spec.connections + 1 + j)),
  );
  await hooks.checkpoint('baseline');

  hooks.begin();
  const started = performance.now();
  const clients: BenchClient[] = [];
  for (let k = 0; k < spec.connections; k += CONNECT_BATCH) {
    const count = Math.min(CONNECT_BATCH, spec.connections - k);
    clients.push(...(await Promise.all(Array.from({ length: count }, (_, j) => open(k + j + 1)))));
  }
  const connectMs = performance.now() - started;
  const window = hooks.end();
  await hooks.checkpoint('loaded');

  for (let k = 0; k < clients.length; k += CONNECT_BATCH) {
    await Promise.all(clients.slice(k, k + CONNECT_BATCH).map((c) => c.close()));
  }
  await Promise.all(warm.map((c) => c.close()));
  return {
    messages: clients.length,
    durationMs: connectMs,
    payloadBytes: clients.length * 8,
    wireBytes: window.wireBytes,
    errors,
    idle: { connections: clients.length, connectMs },
    client: window.client,
  };
}
