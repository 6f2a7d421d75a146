// The README's example of interceptors around broadcasts (examples/rooms-interceptors.ts), run over TCP.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { main } from '../examples/rooms-interceptors.js';

test('the README shows examples/rooms-interceptors.ts and it runs', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/rooms-interceptors.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
  expect(await main()).toEqual(['stopped: embargoed news', 'NEWS to news: 3 members']);
});
