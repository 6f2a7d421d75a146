import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { main } from '../examples/protocol.js';

test("the README's Protocol example is examples/protocol.ts and it runs", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/protocol.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
  expect(main()).toEqual([
    '11 bytes, VALUE {"key":"k","value":7}',
    'reply to GET: VALUE',
    'same schema: true',
  ]);
});
