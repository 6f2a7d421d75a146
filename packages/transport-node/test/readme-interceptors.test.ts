import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { main } from '../examples/interceptors.js';

test('the README interceptor example is examples/interceptors.ts and it runs over TCP', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/interceptors.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
  expect(await main()).toEqual(['reply: acme/a', 'unknown tenant (none)']);
});
