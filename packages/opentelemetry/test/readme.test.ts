import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { main } from '../examples/tracing.js';

test('the README example is examples/tracing.ts and it runs', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/tracing.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
  expect(await main()).toEqual([
    'bp GET -> bp GET',
    'same trace: true',
    "server span's parent is the client span: true",
  ]);
});
