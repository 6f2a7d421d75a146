// The README's rooms example (examples/rooms.ts), run for real over TCP.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { main } from '../examples/rooms.js';

test('the README shows examples/rooms.ts', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/rooms.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
});

test('the rooms example runs', async () => {
  expect(await main()).toEqual([
    'ann heard in *: closing soon',
    'bob heard in *: closing soon',
    'bob heard in lobby: hello',
    'cy heard in *: closing soon',
    'lobby has 2 members',
    'the server reached 3 connections',
  ]);
});
