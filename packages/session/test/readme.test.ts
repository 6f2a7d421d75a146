import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { main } from '../examples/memory-pair.js';
import { main as upgrade } from '../examples/schema-upgrade.js';

test('the README example is examples/memory-pair.ts and it runs', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/memory-pair.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
  expect(await main()).toEqual(['answer = 42', 'server says answer changed', 'client closed, server closed']);
});

test('the README upgrade example is examples/schema-upgrade.ts and it runs', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/schema-upgrade.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
  expect(await upgrade()).toEqual([
    'resolved types on the server: 1',
    'server got {"sensor":7,"celsius":21,"battery":100}',
    'device got {"sensor":7,"celsius":21}',
  ]);
});
