import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';

// @bp/session runs in browsers too: its sources must not touch Node-only APIs.
test('src uses no Node built-ins', () => {
  const dir = new URL('../src/', import.meta.url);
  // Recursive: the client core lives in src/client/.
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(10);
  for (const file of files) {
    const text = readFileSync(new URL(file, dir), 'utf8');
    expect(text, file).not.toMatch(/from ['"]node:|require\(|\bBuffer\b|\bprocess\.|setImmediate/);
  }
});
