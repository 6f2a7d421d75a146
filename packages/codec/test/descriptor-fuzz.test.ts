/**
 * A peer's descriptor is hostile input: whatever it holds, checkCompatibility and resolve give a
 * result or a SchemaError, never another error, code execution, prototype pollution, a hang or an
 * unbounded allocation; a codec resolved from it decodes any bytes to a value or a DecodeError.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  checkCompatibility,
  isDecodeError,
  isEncodeError,
  optional,
  resolve,
  type SchemaDescriptor,
  SchemaError,
  struct,
  u8,
  withEngine,
} from '../src/index.node.js';
import { ENGINES } from './engines.js';
import { build, schemaArb, structSchemaArb } from './schema-arbitrary.js';

const RUNS = Number(process.env.CODEC_FC_RUNS ?? 150);
vi.setConfig({ testTimeout: Math.max(20_000, RUNS * 100) });

/** A canary a hostile name would set if it ever ran as code. */
const canary = globalThis as { __bpPwned?: unknown };

const HOSTILE = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  "'); globalThis.__bpPwned = 1; ('",
  '"; globalThis.__bpPwned = 1; "',
  // A template-literal injection, spelled so that this file does not run it.
  ['`$', '{globalThis.__bpPwned = 1}`'].join(''),
  '}; globalThis.__bpPwned = 1; {',
  '\u2028globalThis.__bpPwned = 1\u2029',
  '\\',
  '',
  ' ',
  '#0',
  'a.b[0]',
  '</script>',
];

const nameArb = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

afterEach(() => {
  expect(canary.__bpPwned).toBeUndefined();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
});

/** Every string of a descriptor (names, tags, enum values) replaced by a hostile one. */
function renameAll(d: unknown, names: () => string): unknown {
  if (Array.isArray(d)) return d.map((x) => renameAll(x, names));
  if (typeof d !== 'object' || d === null) return d;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    const value =
      (k === 'name' || k === 'tagKey' || ((k === 'value' || k === 'tag') && typeof v === 'string')) &&
      typeof v === 'string'
        ? names()
        : renameAll(v, names);
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function typedOutcome(run: () => unknown): 'ok' | string {
  try {
    run();
    return 'ok';
  } catch (e) {
    if (e instanceof SchemaError) return e.code;
    throw e;
  }
}

describe('hostile descriptors', () => {
  test('any JSON value gives a report or a SchemaError', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (j) => {
        typedOutcome(() => checkCompatibility(j, j));
        typedOutcome(() => resolve(j as SchemaDescriptor, struct({})));
        typedOutcome(() => checkCompatibility(JSON.stringify(j), struct({ a: u8 })));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  test('valid descriptors with a part replaced by junk give a report or a SchemaError', () => {
    const mutate = (d: unknown, path: number[], junk: unknown): unknown => {
      if (path.length === 0 || typeof d !== 'object' || d === null) return junk;
      const keys = Object.keys(d);
      if (keys.length === 0) return junk;
      const k = keys[path[0] % keys.length];
      const copy = (Array.isArray(d) ? [...d] : { ...d }) as Record<string, unknown>;
      copy[k] = mutate((d as Record<string, unknown>)[k], path.slice(1), junk);
      return copy;
    };
    fc.assert(
      fc.property(
        schemaArb,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.oneof(
          fc.jsonValue({ maxDepth: 2 }),
          fc.constantFrom(...HOSTILE),
          fc.constant(-1),
          fc.constant(2 ** 40),
        ),
        (schema, path, junk) => {
          const codec = build(schema, 'generated');
          const hostile = mutate(codec.describe(), path, junk);
          typedOutcome(() => checkCompatibility(hostile, codec));
          const outcome = typedOutcome(() => resolve(hostile as SchemaDescriptor, codec));
          expect(['ok', 'invalid-descriptor', 'descriptor-too-large', 'incompatible-schema']).toContain(
            outcome,
          );
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  test('hostile names never run as code or touch prototypes; resolved codecs decode any bytes safely', () => {
    fc.assert(
      fc.property(
        structSchemaArb,
        fc.infiniteStream(nameArb),
        fc.uint8Array({ maxLength: 64 }),
        fc.constantFrom(...ENGINES),
        (schema, stream, bytes, engine) => {
          const it = stream[Symbol.iterator]();
          const hostile = renameAll(build(schema, engine).describe(), () => it.next().value as string);
          // A reader with none of those fields skips them all; one with a defaulted field fills it.
          for (const reader of [struct({}), struct({ polluted: optional(u8) })]) {
            let r: ReturnType<typeof resolve<any>>;
            try {
              r = resolve(hostile as SchemaDescriptor, withEngine(reader, engine));
            } catch (e) {
              // Renaming can make duplicate names or tags: refused as a bad descriptor.
              expect(e).toBeInstanceOf(SchemaError);
              return;
            }
            let value: unknown;
            try {
              value = r.decode(bytes);
            } catch (e) {
              expect(isDecodeError(e)).toBe(true);
              continue;
            }
            expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
            expect(Object.keys(value as object)).toEqual(Object.keys(reader.decode(new Uint8Array([0]))));
            try {
              r.encode(value as object);
            } catch (e) {
              expect(isEncodeError(e)).toBe(true);
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('bounds', () => {
  const nest = (depth: number): unknown => {
    let d: unknown = { type: 'u8' };
    for (let i = 0; i < depth; i++) d = { type: 'optional', item: d };
    return d;
  };

  test('nesting past maxDepth is refused before recursing further', () => {
    expect(() => resolve(nest(100_000) as SchemaDescriptor, u8)).toThrow(
      expect.objectContaining({ code: 'descriptor-too-large' }),
    );
    expect(() => checkCompatibility(nest(10), u8, { limits: { maxDepth: 5 } })).toThrow(
      expect.objectContaining({ code: 'descriptor-too-large' }),
    );
    expect(checkCompatibility(nest(10), nest(10)).compatible).toBe(true);
  });

  test('too many parts, too long names, too long text are refused', () => {
    const wide = {
      type: 'struct',
      fields: Array.from({ length: 20_000 }, (_, i) => ({ name: `f${i}`, schema: { type: 'u8' } })),
    };
    expect(() => resolve(wide as SchemaDescriptor, struct({}))).toThrow(
      expect.objectContaining({ code: 'descriptor-too-large' }),
    );
    expect(
      typedOutcome(() => resolve(wide as SchemaDescriptor, struct({}), { limits: { maxNodes: 50_000 } })),
    ).toBe('ok');
    const longName = { type: 'struct', fields: [{ name: 'x'.repeat(300), schema: { type: 'u8' } }] };
    expect(() => checkCompatibility(longName, struct({}))).toThrow(
      expect.objectContaining({ code: 'descriptor-too-large' }),
    );
    const text = JSON.stringify(wide);
    expect(() => checkCompatibility(text, struct({}), { limits: { maxBytes: 1000 } })).toThrow(
      expect.objectContaining({ code: 'descriptor-too-large' }),
    );
    // A default with many parts spends the same budget.
    const bigDefault = {
      type: 'struct',
      fields: [
        {
          name: 'a',
          schema: { type: 'array', item: { type: 'u8' }, countPrefix: 'u32' },
          default: new Array(20_000).fill(0),
        },
      ],
    };
    expect(() => resolve(bigDefault as SchemaDescriptor, struct({}))).toThrow(
      expect.objectContaining({ code: 'descriptor-too-large' }),
    );
  });

  test('malformed parts name their place', () => {
    const d = {
      type: 'struct',
      fields: [{ name: 'a', schema: { type: 'enum', repr: 'u8', values: [{ value: 'x', wire: 300 }] } }],
    };
    expect(() => resolve(d as SchemaDescriptor, struct({}))).toThrow(
      expect.objectContaining({ code: 'invalid-descriptor', path: 'fields[0].schema.values[0].wire' }),
    );
    expect(() => resolve({ type: 'constructor' } as never, u8)).toThrow(
      expect.objectContaining({ code: 'invalid-descriptor' }),
    );
    expect(() => resolve('{not json', u8)).toThrow(expect.objectContaining({ code: 'invalid-descriptor' }));
    const badDefault = { type: 'struct', fields: [{ name: 'a', schema: { type: 'u64' }, default: 12 }] };
    expect(() => resolve(badDefault as SchemaDescriptor, struct({}))).toThrow(
      expect.objectContaining({ code: 'invalid-descriptor', path: 'fields[0].default' }),
    );
  });

  test('a writer field named __proto__ with a default is skipped and filled without touching prototypes', () => {
    const d = {
      type: 'struct',
      fields: [
        {
          name: '__proto__',
          schema: { type: 'struct', fields: [{ name: 'polluted', schema: { type: 'u8' } }] },
          default: { polluted: 1 },
        },
        { name: 'constructor', schema: { type: 'u8' }, default: 2 },
        { name: 'a', schema: { type: 'u8' } },
      ],
    };
    for (const engine of ENGINES) {
      const r = resolve(d as SchemaDescriptor, withEngine(struct({ a: u8 }), engine));
      expect(r.encode({ a: 3 })).toEqual(new Uint8Array([1, 2, 3]));
      const v = r.decode(new Uint8Array([9, 9, 5]));
      expect(v).toEqual({ a: 5 });
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    }
  });
});
