import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SchemaDescriptor } from '../src/index.node.js';
import { ENGINES } from './engines.js';
import { fromDescriptor } from './from-descriptor.js';

interface Vector {
  name: string;
  schema: SchemaDescriptor;
  value: unknown;
  hex: string;
}

const file = join(import.meta.dirname, 'vectors.json');
const doc = JSON.parse(readFileSync(file, 'utf8')) as { vectors: Vector[] };

/** Turns the JSON value form into the JavaScript value (see valueEncoding in vectors.json). */
function revive(v: unknown): unknown {
  if (v === null) return undefined;
  if (Array.isArray(v)) return v.map(revive);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('float' in o) return o.float === '-0' ? -0 : Number(o.float);
    if ('bigint' in o) return BigInt(o.bigint as string);
    if ('bytes' in o) return Uint8Array.from(Buffer.from(o.bytes as string, 'hex'));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revive(x)]));
  }
  return v;
}

test('vectors.json is what generate-vectors.py produces', () => {
  const fresh = execFileSync('python3', [join(import.meta.dirname, 'generate-vectors.py')], {
    encoding: 'utf8',
  });
  expect(fresh).toBe(readFileSync(file, 'utf8'));
});

test('vectors cover every primitive and the special values', () => {
  const names = doc.vectors.map((v) => v.name).join('\n');
  for (const t of [
    'u8',
    'u16',
    'u32',
    'i8',
    'i16',
    'i32',
    'f32',
    'f64',
    'u64',
    'i64',
    'bool',
    'u16le',
    'f64le',
    'i64le',
  ]) {
    expect(names).toMatch(new RegExp(`^${t} `, 'm'));
  }
  for (const special of [
    'f32 nan',
    'f64 -0.0',
    'f32 inf',
    'f64 -inf',
    'i64 -9223372036854775808',
    'i64 9223372036854775807',
    "string ''",
    "string '😀'",
  ]) {
    expect(names).toContain(special);
  }
});

describe.each(ENGINES)('%s', (engine) => {
  test.each(doc.vectors.map((v) => [v.name, v] as const))('%s', (_, v) => {
    const codec = fromDescriptor(v.schema, engine);
    expect(codec.describe()).toEqual(v.schema);
    const value = revive(v.value);
    expect(Buffer.from(codec.encode(value)).toString('hex')).toBe(v.hex);
    expect(codec.decode(Uint8Array.from(Buffer.from(v.hex, 'hex')))).toEqual(value);
  });
});
