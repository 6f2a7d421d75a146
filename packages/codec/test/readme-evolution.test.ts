import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { main } from '../examples/schema-upgrade.js';

test("the README's upgrade example is examples/schema-upgrade.ts and it runs", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/schema-upgrade.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
  expect(main()).toEqual([
    'v2 reads v1: true',
    'v1 reads v2: false (sensorId: number-narrowed)',
    'v2 got {"sensorId":7,"temperature":21.5,"unit":"C","battery":100}',
    'v1 got {"sensorId":8,"temp":19,"unit":"other"}',
    'site: missing-default',
  ]);
});
