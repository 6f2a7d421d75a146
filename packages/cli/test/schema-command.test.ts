import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from '../src/index.js';
import { protocol as v1 } from './fixtures/schema-v1.mjs';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bp-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function bp(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runCli(argv, {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    stdin: async () => new Uint8Array(0),
    cwd: fixtures,
  });
  return { status, out, err };
}

describe('bp schema export', () => {
  test('writes the protocol descriptor as JSON, to stdout or --out', async () => {
    const printed = await bp('schema', 'export', './schema-v1.mjs');
    expect(printed.status).toBe(0);
    expect(JSON.parse(printed.out)).toEqual(JSON.parse(JSON.stringify(v1.describe())));
    const file = join(dir, 'v1.json');
    expect((await bp('schema', 'export', './schema-v1.mjs', '--out', file)).status).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(printed.out));
    const dashed = await bp('schema', 'export', './schema-v1.mjs', '--out', '-');
    expect(dashed).toMatchObject({ status: 0, out: printed.out });
    expect(existsSync(join(fixtures, '-'))).toBe(false);
  });

  test('names a missing module, export or subcommand', async () => {
    expect((await bp('schema', 'export', './nope.mjs')).status).toBe(1);
    const wrong = await bp('schema', 'export', './schema-v2.mjs');
    expect(wrong.status).toBe(1);
    expect(wrong.err).toMatch(/several protocols \(protocol, broken\)/);
    expect((await bp('schema', 'frobnicate')).status).toBe(2);
    expect((await bp('schema', 'check', 'only-one.json')).status).toBe(2);
  });
});

describe('bp schema check', () => {
  const old = join(dir, 'old.json');
  writeFileSync(old, JSON.stringify(v1.describe()));

  test('a compatible new schema exits 0', async () => {
    const r = await bp('schema', 'check', old, './schema-v2.mjs', '--export', 'protocol');
    expect(r).toMatchObject({ status: 0, out: 'compatible (backward)\n' });
  });

  test('every breaking change is printed with type, path and rule, and the exit status is 1', async () => {
    const r = await bp('schema', 'check', old, './schema-v2.mjs', '--export', 'broken');
    expect(r.status).toBe(1);
    const lines = r.out.trim().split('\n');
    expect(lines.map((l) => l.split(': ').slice(0, 3).join(': '))).toEqual([
      'new reads old: READING sensorId: number-narrowed',
      'new reads old: READING unit: enum-member-unknown',
      'new reads old: READING site: missing-default',
      '3 breaking changes (backward)',
    ]);
  });

  test('forward and full modes check the other direction; JSON files work on both sides', async () => {
    const next = join(dir, 'new.json');
    expect(
      (await bp('schema', 'export', './schema-v2.mjs', '--export', 'protocol', '--out', next)).status,
    ).toBe(0);
    const forward = await bp('schema', 'check', old, next, '--mode', 'forward');
    expect(forward.status).toBe(1);
    expect(forward.out).toMatch(/^old reads new: READING sensorId: number-narrowed: /);
    const full = await bp('schema', 'check', old, next, '--mode', 'full');
    expect(full.out.trim().split('\n').at(-1)).toBe('1 breaking change (full)');
    expect((await bp('schema', 'check', old, old, '--mode', 'full')).out).toBe('compatible (full)\n');
    expect((await bp('schema', 'check', old, next, '--mode', 'sideways')).status).toBe(2);
  });

  test('a malformed or hostile old schema is a bad-input error, not a crash', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ headerFormat: '>H', types: [{ type: 1, schema: { type: '__proto__' } }] }),
    );
    const r = await bp('schema', 'check', bad, './schema-v1.mjs');
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/^bp schema: types\[0\]\.schema: unknown schema type/);
    writeFileSync(bad, '{');
    expect((await bp('schema', 'check', bad, './schema-v1.mjs')).err).toMatch(/not valid JSON/);
  });
});
