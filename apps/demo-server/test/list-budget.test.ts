import { readFileSync } from 'node:fs';
import { connect } from '@bp/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoErrorCode, DemoMessage, demoProtocol, KvListResult, MAX_VALUE_BYTES } from '../src/schema.js';
import { closeClients, tcpClient } from './helpers/clients.js';
import {
  type DemoProcess,
  removeDataDirs,
  startDemoProcess,
  stopAllDemoProcesses,
} from './helpers/demo-process.js';

// Issue 15, finding 1: one 22-byte KV_LIST read ~64 MiB before finding that its reply could not be
// sent; 64 pipelined ones ran the server out of heap. A LIST now reads what its reply may hold.

const VALUES = 1000;
const VALUE = 'v'.repeat(MAX_VALUE_BYTES);
const key = (i: number) => `big:${String(i).padStart(4, '0')}`;

let demo: DemoProcess;

/** Resident set of the server process, in bytes (Linux). */
function rss(): number {
  const status = readFileSync(`/proc/${demo.child.pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  if (kb === null) throw new Error('no VmRSS in /proc/<pid>/status');
  return Number(kb[1]) * 1024;
}

beforeAll(async () => {
  demo = await startDemoProcess({ args: ['--sensor-rate', '0'] });
  // 1,000 values of 64 KiB (64 MiB), written over 8 connections so that no connection passes the
  // demo's 8 MiB/s rate limit (16 MiB burst).
  const writers = await Promise.all(Array.from({ length: 8 }, () => tcpClient(demo)));
  await Promise.all(
    writers.map(async (client, w) => {
      for (let i = w; i < VALUES; i += writers.length * 8) {
        const batch = [];
        for (let j = i; j < Math.min(VALUES, i + writers.length * 8); j += writers.length) {
          batch.push(client.request(DemoMessage.KV_SET, { key: key(j), value: VALUE }));
        }
        await Promise.all(batch);
      }
    }),
  );
}, 120_000);

afterAll(async () => {
  await closeClients();
  await stopAllDemoProcesses();
  removeDataDirs();
});

describe('KV_LIST over a large store', () => {
  it('survives 64 pipelined LISTs over 64 MiB with bounded memory, each reply within the client limit', async () => {
    const client = await tcpClient(demo);
    const before = rss();
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rss());
    }, 10);
    let replies: Awaited<ReturnType<typeof client.request<DemoMessage.KV_LIST>>>[];
    try {
      replies = await Promise.all(
        Array.from({ length: 64 }, () =>
          client.request(DemoMessage.KV_LIST, { prefix: 'big:', limit: 1000 }, { timeout: 60_000 }),
        ),
      );
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, rss());
    for (const reply of replies) {
      // A full page under the client's 1 MiB: about 15 of the 64 KiB values, and more to read.
      expect(reply.more).toBe(true);
      expect(reply.entries.length).toBeGreaterThan(0);
      expect(reply.entries.length).toBeLessThan(1000);
      expect(KvListResult.byteLength(reply)).toBeLessThanOrEqual(demoProtocol.maxPayloadSize);
      expect(reply.entries[0]).toEqual({ key: key(0), value: VALUE });
    }
    // Unbounded, each LIST held ~64 MiB of values (70-133 MB of heap); bounded, the server holds
    // two replies of at most 1 MiB per connection at a time.
    expect(peak - before).toBeLessThan(160 * 1024 * 1024);
    expect(await client.request(DemoMessage.ECHO, { message: 'still here' })).toEqual({
      message: 'still here',
    });
  }, 120_000);

  it('pages through every key with the cursor, each key once and in order', async () => {
    const client = await tcpClient(demo);
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 200; pages++) {
      const page = await client.request(DemoMessage.KV_LIST, { prefix: 'big:', limit: 1000, after });
      seen.push(...page.entries.map((entry) => entry.key));
      if (!page.more) break;
      after = page.entries.at(-1)!.key;
    }
    expect(seen).toEqual(Array.from({ length: VALUES }, (_, i) => key(i)));
  }, 60_000);

  it('sizes pages by the maxPayloadSize each client announced, and says so when one entry cannot fit', async () => {
    const limits = { maxPayloadSize: 200 * 1024 };
    const small = await connect({
      host: '127.0.0.1',
      port: demo.tcpPort,
      protocol: demoProtocol,
      token: demo.token,
      limits,
    });
    try {
      const page = await small.request(DemoMessage.KV_LIST, { prefix: 'big:', limit: 1000 });
      expect(page.entries.length).toBe(3);
      expect(KvListResult.byteLength(page)).toBeLessThanOrEqual(limits.maxPayloadSize);
    } finally {
      await small.close({ deadline: 500 });
    }
    const tiny = await connect({
      host: '127.0.0.1',
      port: demo.tcpPort,
      protocol: demoProtocol,
      token: demo.token,
      limits: { maxPayloadSize: 1024 },
    });
    try {
      const error = await tiny
        .request(DemoMessage.KV_LIST, { prefix: 'big:', limit: 10 })
        .catch((e: unknown) => e as { wireCode?: number; message: string });
      expect(error).toMatchObject({ wireCode: DemoErrorCode['too-large'] });
      expect((error as Error).message).toContain('1024');
    } finally {
      await tiny.close({ deadline: 500 });
    }
  }, 60_000);
});
