import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { main } from '../examples/trusted-input.js';

test("the README's trustedInput example is examples/trusted-input.ts and it runs", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/trusted-input.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
  expect(main()).toEqual([
    '16384 bytes',
    'last: {"sensor1":1023,"sensor2":511.5,"sensor3":-1023,"sensor4":1.5}',
    'into a full buffer: EncodeError',
  ]);
});
