import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisServer, startRedisServer } from '@bp/test-kit/redis-server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KvChange, KvStore } from '../src/store/kv-store.js';
import { LmdbKvStore } from '../src/store/lmdb-kv-store.js';
import { MemoryKvStore } from '../src/store/memory-kv-store.js';
import { RedisConnection } from '../src/store/redis-connection.js';
import { RedisKvStore, redisKvNames } from '../src/store/redis-kv-store.js';
import { compareUtf8 } from '../src/store/utf8-order.js';

let redis: RedisServer;
let connection: RedisConnection;
const dirs: string[] = [];
let namespace = 0;

beforeAll(async () => {
  redis = await startRedisServer();
  connection = await RedisConnection.connect(redis.url, () => {});
});

afterAll(async () => {
  await connection?.close();
  await redis?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bp-demo-kv-'));
  dirs.push(dir);
  return dir;
}

const kinds: Array<[string, () => Promise<KvStore>]> = [
  ['memory', async () => new MemoryKvStore()],
  ['lmdb', async () => LmdbKvStore.open(join(tempDir(), 'kv'))],
  ['redis', async () => RedisKvStore.open(connection, { names: redisKvNames(`test${++namespace}:`) })],
];

/** Waits (bounded) until `count` changes have arrived. */
async function changes(list: KvChange[], count: number): Promise<KvChange[]> {
  for (let i = 0; i < 200 && list.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  return list;
}

describe.each(kinds)('%s store', (_kind, open) => {
  it('sets, gets, overwrites and deletes', async () => {
    const store = await open();
    try {
      expect(await store.get('a')).toBeUndefined();
      expect(await store.set('a', 'one')).toBe(true);
      expect(await store.get('a')).toBe('one');
      expect(await store.set('a', 'two')).toBe(false);
      expect(await store.get('a')).toBe('two');
      expect(await store.delete('a')).toBe(true);
      expect(await store.delete('a')).toBe(false);
      expect(await store.get('a')).toBeUndefined();
      expect(await store.set('empty', '')).toBe(true);
      expect(await store.get('empty')).toBe('');
    } finally {
      await store.close();
    }
  });

  it('lists by prefix in UTF-8 byte order with a limit', async () => {
    const store = await open();
    try {
      for (const key of ['user:b', 'user:a', 'user:é', 'user:😀', 'user:z', 'users', 'use', 'other']) {
        await store.set(key, `v-${key}`);
      }
      const all = await store.list('user:', 10);
      expect(all.more).toBe(false);
      expect(all.entries.map((e) => e.key)).toEqual(['user:a', 'user:b', 'user:z', 'user:é', 'user:😀']);
      expect(all.entries[0]!.value).toBe('v-user:a');
      const page = await store.list('user:', 2);
      expect(page.entries.map((e) => e.key)).toEqual(['user:a', 'user:b']);
      expect(page.more).toBe(true);
      const exact = await store.list('user:', 5);
      expect(exact.more).toBe(false);
      expect((await store.list('', 100)).entries).toHaveLength(8);
      expect((await store.list('nothing', 5)).entries).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('pages after a cursor and stops reading at a byte budget', async () => {
    const store = await open();
    try {
      for (const key of ['p:a', 'p:b', 'p:c', 'p:d', 'p:😀', 'q']) await store.set(key, key.repeat(10));
      const after = await store.list('p:', 10, { after: 'p:b' });
      expect(after.entries.map((e) => e.key)).toEqual(['p:c', 'p:d', 'p:😀']);
      expect(after.more).toBe(false);
      // A cursor before the prefix starts at the prefix; one past it gives nothing.
      expect((await store.list('p:', 1, { after: 'a' })).entries.map((e) => e.key)).toEqual(['p:a']);
      expect((await store.list('p:', 10, { after: 'p:😀' })).entries).toEqual([]);
      // Sizes of 30 bytes each: a budget of 70 holds two entries, then `more`.
      const sizeOf = () => 30;
      const budgeted = await store.list('p:', 10, { maxBytes: 70, sizeOf });
      expect(budgeted.entries.map((e) => e.key)).toEqual(['p:a', 'p:b']);
      expect(budgeted.more).toBe(true);
      const next = await store.list('p:', 10, { maxBytes: 70, sizeOf, after: 'p:b' });
      expect(next.entries.map((e) => e.key)).toEqual(['p:c', 'p:d']);
      expect(next.more).toBe(true);
      // Nothing fits: an empty page that says more.
      expect(await store.list('p:', 10, { maxBytes: 10, sizeOf })).toEqual({ entries: [], more: true });
    } finally {
      await store.close();
    }
  });

  it('tells watchers about sets and deletes, not about deletes of missing keys', async () => {
    const store = await open();
    const seen: KvChange[] = [];
    const stop = store.watch((change) => seen.push(change));
    try {
      await store.set('w', '1');
      await store.delete('w');
      await store.delete('w');
      await store.set('w', '2');
      await changes(seen, 3);
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toEqual([
        { key: 'w', value: '1' },
        { key: 'w', value: undefined },
        { key: 'w', value: '2' },
      ]);
      stop();
      await store.set('w', '3');
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toHaveLength(3);
    } finally {
      await store.close();
    }
  });

  it('rejects use after close', async () => {
    const store = await open();
    await store.close();
    await expect(store.get('a')).rejects.toMatchObject({ code: 'store-closed' });
  });

  it('agrees with a plain model on random operations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({
              op: fc.constant('set' as const),
              key: fc.string({ minLength: 1, maxLength: 4 }),
              value: fc.string(),
            }),
            fc.record({ op: fc.constant('del' as const), key: fc.string({ minLength: 1, maxLength: 4 }) }),
          ),
          { maxLength: 20 },
        ),
        fc.string({ maxLength: 2 }),
        async (ops, prefix) => {
          const store = await open();
          const model = new Map<string, string>();
          try {
            for (const op of ops) {
              if (op.op === 'set') {
                expect(await store.set(op.key, op.value)).toBe(!model.has(op.key));
                model.set(op.key, op.value);
              } else {
                expect(await store.delete(op.key)).toBe(model.delete(op.key));
              }
            }
            const expected = [...model.keys()].filter((k) => k.startsWith(prefix)).sort(compareUtf8);
            const listed = await store.list(prefix, 1000);
            expect(listed.entries.map((e) => e.key)).toEqual(expected);
            for (const { key, value } of listed.entries) expect(value).toBe(model.get(key));
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('lmdb store', () => {
  it('keeps acknowledged writes across close and reopen', async () => {
    const path = join(tempDir(), 'kv');
    const first = LmdbKvStore.open(path);
    await first.set('durable', 'yes');
    await first.set('gone', 'x');
    await first.delete('gone');
    await first.close();
    const second = LmdbKvStore.open(path);
    try {
      expect(await second.get('durable')).toBe('yes');
      expect(await second.get('gone')).toBeUndefined();
    } finally {
      await second.close();
    }
  });
});
