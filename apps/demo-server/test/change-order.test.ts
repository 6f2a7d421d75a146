import { type RedisServer, startRedisServer } from '@bp/test-kit/redis-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoMessage } from '../src/schema.js';
import { closeClients, tcpClient } from './helpers/clients.js';
import {
  type DemoProcess,
  removeDataDirs,
  startDemoProcess,
  stopAllDemoProcesses,
} from './helpers/demo-process.js';

// Issue 15, finding 8: with --redis a KV_DEL_RESULT reached the client before the KV_CHANGED of
// the same delete (the push came back from Redis after the reply had gone). The README's rule:
// a connection watching what it changes gets the push first, with every store.

let redis: RedisServer;
const demos = new Map<string, DemoProcess>();

beforeAll(async () => {
  redis = await startRedisServer();
  const stores: [string, string[]][] = [
    ['memory', ['--memory']],
    ['lmdb', []],
    ['redis', ['--redis', redis.url]],
  ];
  await Promise.all(
    stores.map(async ([name, args]) => {
      demos.set(name, await startDemoProcess({ args: [...args, '--sensor-rate', '0'] }));
    }),
  );
}, 60_000);

afterAll(async () => {
  await closeClients();
  await stopAllDemoProcesses();
  await redis?.stop();
  removeDataDirs();
});

describe.each(['memory', 'lmdb', 'redis'])('with the %s store', (store) => {
  it('KV_CHANGED for a SET or DEL arrives before its reply', async () => {
    const client = await tcpClient(demos.get(store)!);
    const changes: { key: string; value?: string | undefined }[] = [];
    client.on(DemoMessage.KV_CHANGED, (change) => changes.push(change));
    await client.request(DemoMessage.KV_WATCH, { key: 'order:', prefix: true });
    for (let i = 0; i < 40; i++) {
      const key = `order:${i}`;
      await client.request(DemoMessage.KV_SET, { key, value: `v${i}` });
      expect(changes.at(-1), `push of SET ${key} before its reply`).toEqual({ key, value: `v${i}` });
      expect(await client.request(DemoMessage.KV_DEL, { key })).toEqual({ deleted: true });
      expect(changes.at(-1), `push of DEL ${key} before its reply`).toEqual({ key, value: undefined });
    }
    expect(changes).toHaveLength(80);
  }, 60_000);
});
