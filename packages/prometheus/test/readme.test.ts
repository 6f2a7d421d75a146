import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { main } from '../examples/metrics.js';

test('the README example is examples/metrics.ts and it runs', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/metrics.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
  expect(await main()).toEqual([
    'bp_calls_total{direction="incoming",kind="request",type="GET"} 2',
    'bp_call_errors_total{direction="incoming",kind="request",type="GET",code="application-error"} 1',
    'bp_call_duration_seconds_count{direction="incoming",kind="request",type="GET"} 2',
  ]);
});
