/**
 * A long-lived session (one that a full GC has moved to the old generation, as every real
 * connection is) must not make its requests outlive the young generation. With a `Map` of requests
 * in flight it did: every batch of replies shrank and regrew the Map, V8 links each dead table to
 * the next, and from the old generation that chain kept every request alive through scavenges, so
 * they were all promoted (about 170 bytes each) and request/response ran at 60% of its speed
 * (src/in-flight-table.ts). Checked by bytes promoted, not by time.
 */

import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, test, vi } from 'vitest';
import { connect, settle, T, testProtocol } from './fixtures.js';

vi.setConfig({ testTimeout: 60_000 });

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const oldSpaceUsed = () =>
  getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.space_used_size;

test('requests of a session in the old generation die young', async () => {
  const { client } = connect({
    protocol: testProtocol,
    server: { handlers: { [T.ADD]: ({ a, b }) => ({ sum: a + b }) } },
  });
  await settle();
  const REQUESTS = 200_000;
  const IN_FLIGHT = 64;
  const run = async (count: number) => {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const a = next++;
        const { sum } = await client.request(T.ADD, { a, b: 1 });
        if (sum !== a + 1) throw new Error(`wrong sum ${sum} for ${a}`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  };
  await run(20_000); // warm up: the optimizing compiler takes over
  gc();
  gc(); // the session, its tables and the transport are now in the old generation
  const before = oldSpaceUsed();
  await run(REQUESTS);
  const promotedPerRequest = (oldSpaceUsed() - before) / REQUESTS;
  await client.close();
  // A few bytes per request may come from the runner and from compiled code; with the Map it was
  // about 170.
  expect(promotedPerRequest).toBeLessThan(20);
});
