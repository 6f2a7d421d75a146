/**
 * Zero allocation on the hot path, checked by counting garbage collections (not by timing): a
 * loop of 3 million calls that allocated even one small object per call would fill the young
 * generation several times (16 bytes x 3 M = 48 MB).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { expect, test, vi } from 'vitest';
import {
  array,
  type EngineName,
  f32,
  i16,
  ProtocolConfig,
  string,
  struct,
  u8,
  u32,
  withEngine,
} from '../src/index.node.js';

const CALLS = 3_000_000;
const ALLOWED = 2; // a collection or two may come from the test runner itself

// Millions of calls take a few seconds on a busy machine; the assertion is about GCs, not time.
vi.setConfig({ testTimeout: 60_000 });

/** Runs fn CALLS times and counts collections. fn returns a small integer: a returned double would be boxed by the loop itself. */
async function gcsDuring(fn: (i: number) => number): Promise<number> {
  let gcs = 0;
  const observer = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  for (let i = 0; i < 50_000; i++) fn(i); // warm up: let the optimizing compiler take over
  await new Promise((r) => setTimeout(r, 10));
  observer.observe({ entryTypes: ['gc'] });
  let sink = 0;
  for (let i = 0; i < CALLS; i++) sink += fn(i);
  await new Promise((r) => setTimeout(r, 10));
  observer.disconnect();
  expect(sink).toBeGreaterThan(0);
  return gcs;
}

const Sensor = struct({ sensor1: f32, sensor2: f32, sensor3: f32, sensor4: f32 });
const Status = struct({ statusCode: u32, message: string() });
const Pose = struct({ id: u32, x: i16, y: i16, flags: array(u8, { length: 2 }) });
const sensors = Array.from({ length: 16 }, (_, i) => ({
  sensor1: i,
  sensor2: 0.5,
  sensor3: -i,
  sensor4: 1e6,
}));
const statuses = Array.from({ length: 16 }, (_, i) => ({ statusCode: 200 + i, message: `status é ${i}` }));
const longStatuses = Array.from({ length: 16 }, (_, i) => ({
  statusCode: i,
  message: `${i % 4 === 3 ? 'é€' : 'ab'}${'long message text '.repeat(16)}${i}`,
}));
const buf = new Uint8Array(1024);

test.each<EngineName>(['generated', 'closures'])(
  '%s: encodeInto and byteLength allocate nothing',
  async (engine) => {
    const S = withEngine(Sensor, engine);
    const T = withEngine(Status, engine);
    expect(await gcsDuring((i) => S.encodeInto(sensors[i & 15], buf, 0))).toBeLessThanOrEqual(ALLOWED);
    expect(await gcsDuring((i) => T.encodeInto(statuses[i & 15], buf, 0))).toBeLessThanOrEqual(ALLOWED);
    expect(await gcsDuring((i) => T.byteLength(statuses[i & 15]))).toBeLessThanOrEqual(ALLOWED);
    // Long strings (over 64 UTF-16 units) take another path: TextEncoder into a cached view.
    expect(await gcsDuring((i) => T.encodeInto(longStatuses[i & 15], buf, 0))).toBeLessThanOrEqual(ALLOWED);
  },
);

test.each<EngineName>(['generated', 'closures'])(
  '%s: decodeInto reuses the target (integer fields)',
  async (engine) => {
    // Float fields are another matter: V8 boxes a double stored into an object field, for this
    // codec and for a hand-written one alike.
    const P = withEngine(Pose, engine);
    P.encodeInto({ id: 7, x: -3, y: 300, flags: [1, 2] }, buf, 0);
    const target = { id: 0, x: 0, y: 0, flags: [0, 0] };
    expect(await gcsDuring(() => P.decodeInto(buf, 0, target).id)).toBeLessThanOrEqual(ALLOWED);
  },
);

test('ProtocolConfig.encodeMessageInto allocates nothing', async () => {
  const config = new ProtocolConfig({ messageStructures: { 1: Sensor, 2: Status } });
  expect(await gcsDuring((i) => config.encodeMessageInto(1, sensors[i & 15], buf, 0))).toBeLessThanOrEqual(
    ALLOWED,
  );
  expect(await gcsDuring((i) => config.encodeMessageInto(2, statuses[i & 15], buf, 0))).toBeLessThanOrEqual(
    ALLOWED,
  );
});

test('the check can fail: decode allocates a result object per call', async () => {
  const P = withEngine(Pose, 'generated');
  const kept: unknown[] = new Array(16);
  expect(
    await gcsDuring((i) => {
      kept[i & 15] = P.decode(buf, 0);
      return 1;
    }),
  ).toBeGreaterThan(ALLOWED);
});
