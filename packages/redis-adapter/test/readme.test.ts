// The README's example (examples/two-servers.ts), run against a real redis-server.
import { readFileSync } from 'node:fs';
import { type RedisServer, startRedisServer } from '@bp/test-kit/redis-server';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { main } from '../examples/two-servers.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

test('the README shows examples/two-servers.ts', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/two-servers.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
});

test('a broadcast on one server reaches the readers of both', async () => {
  expect(await main(redis.url)).toEqual([
    'reader on server a: bp spans servers',
    'reader on server b: bp spans servers',
  ]);
});
