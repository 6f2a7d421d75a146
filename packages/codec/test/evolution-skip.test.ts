/**
 * Properties of the part of a resolved codec that steps over fields only the writer has
 * (evolution/skip.ts): over random writer schemas and a random subset of their fields kept by
 * the reader, skipping moves exactly as far as the writer's own codec reads, charges the same
 * budgets, and refuses what the writer's codec refuses for the layout (never anything but a
 * DecodeError).
 */
import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import { type DecodeLimits, isDecodeError, resolve, struct, withEngine } from '../src/index.node.js';
import { ENGINES } from './engines.js';
import { build, type Schema, structSchemaArb, valueArb } from './schema-arbitrary.js';

const RUNS = Number(process.env.CODEC_FC_RUNS ?? 150);
vi.setConfig({ testTimeout: Math.max(20_000, RUNS * 120) });

type Fields = [string, Schema][];

/** Layouts whose skipping takes more than one step: counts and flags with fixed and variable items. */
const trickyArb: fc.Arbitrary<Schema> = fc.constantFrom<Schema>(
  { k: 'array', item: { k: 'array', item: { k: 'prim', name: 'u8' }, length: 2 } },
  { k: 'array', item: { k: 'prim', name: 'u16' } },
  { k: 'array', item: { k: 'optional', item: { k: 'string', prefix: 'u8' } } },
  { k: 'optional', item: { k: 'string', prefix: 'u16' } },
  { k: 'optional', item: { k: 'array', item: { k: 'prim', name: 'u8' }, length: 2 } },
  { k: 'optional', item: { k: 'bytes', prefix: 'u32' } },
  {
    k: 'array',
    item: {
      k: 'struct',
      fields: [
        ['x', { k: 'prim', name: 'u8' }],
        ['y', { k: 'string', prefix: 'u8' }],
      ],
    },
  },
  { k: 'array', item: { k: 'array', item: { k: 'prim', name: 'u8' } }, length: 2 },
  {
    k: 'union',
    tagKey: 'kind',
    variants: [
      ['a', [['x', { k: 'array', item: { k: 'prim', name: 'u8' }, length: 3 }]]],
      ['b', [['y', { k: 'string', prefix: 'u8' }]]],
    ],
  },
);

/**
 * A writer schema (random, with a few of the tricky layouts spliced in), one of its values, which
 * of its top-level fields the reader keeps, and an engine.
 */
const caseArb = fc
  .tuple(structSchemaArb, fc.array(fc.tuple(trickyArb, fc.nat()), { maxLength: 3 }))
  .map(([schema, extra]) => {
    const fields: Fields = [...(schema as { fields: Fields }).fields];
    extra.forEach(([s, at], i) => {
      fields.splice(at % (fields.length + 1), 0, [`t${i}`, s]);
    });
    return { k: 'struct', fields } as Schema;
  })
  .chain((schema) => {
    const fields = (schema as { fields: Fields }).fields;
    return fc.record({
      schema: fc.constant(schema),
      value: valueArb(schema) as fc.Arbitrary<Record<string, unknown>>,
      keep: fc.array(fc.boolean(), { minLength: fields.length, maxLength: fields.length }),
      engine: fc.constantFrom(...ENGINES),
    });
  });

function setUp({
  schema,
  keep,
  engine,
}: {
  schema: Schema;
  keep: boolean[];
  engine: (typeof ENGINES)[number];
}) {
  const fields = (schema as { fields: Fields }).fields;
  const kept = fields.filter((_, i) => keep[i]).map(([n]) => n);
  const writer = withEngine(build(schema, engine), engine);
  const reader = struct(
    Object.fromEntries(fields.filter((_, i) => keep[i]).map(([n, s]) => [n, build(s, engine)])),
    { engine },
  );
  const resolved = resolve(JSON.parse(JSON.stringify(writer.describe())), reader);
  const pick = (v: Record<string, unknown>) => Object.fromEntries(kept.map((n) => [n, v[n]]));
  return { writer, resolved, pick };
}

/** `ok` with the end offset, or the DecodeError's code (anything else fails the test). */
function outcome(run: () => { offset: number }): { ok: number } | { code: string } {
  try {
    return { ok: run().offset };
  } catch (e) {
    if (!isDecodeError(e)) throw e;
    return { code: e.code };
  }
}

describe('skipping fields only the writer has', () => {
  test('ends where the writer ends and keeps the fields the reader has', () => {
    fc.assert(
      fc.property(caseArb, fc.uint8Array({ maxLength: 6 }), (c, tail) => {
        const { writer, resolved, pick } = setUp(c);
        const bytes = writer.encode(c.value);
        const framed = new Uint8Array([...bytes, ...tail]);
        const mine = resolved.decodeFrom(framed, 0, framed.length);
        const value = mine.value;
        expect(mine.offset).toBe(bytes.length);
        expect(value).toEqual(pick(writer.decode(bytes)));
      }),
      { numRuns: RUNS },
    );
  });

  test('charges the same element and byte budgets as the writer decoding it', () => {
    const limitsArb: fc.Arbitrary<DecodeLimits> = fc.record(
      { maxElements: fc.nat(12), maxBytes: fc.nat(40) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(caseArb, limitsArb, (c, limits) => {
        const { writer, resolved } = setUp(c);
        const bytes = writer.encode(c.value);
        const theirs = outcome(() => writer.decodeFrom(bytes, 0, bytes.length, limits));
        const mine = outcome(() => resolved.decodeFrom(bytes, 0, bytes.length, limits));
        expect(mine).toEqual(theirs);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  test('a cut short message is refused with a DecodeError', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), (c, cut) => {
        const { writer, resolved } = setUp(c);
        const bytes = writer.encode(c.value);
        fc.pre(bytes.length > 0);
        // Every byte of a message belongs to its layout: any shorter prefix is refused.
        const short = bytes.subarray(0, cut % bytes.length);
        expect(outcome(() => resolved.decodeFrom(short, 0, short.length))).toHaveProperty('code');
      }),
      { numRuns: RUNS },
    );
  });

  test('decode (no end offset) reads up to the last field the reader keeps, and checks all of that', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), (c, cut) => {
        const { writer, resolved, pick } = setUp(c);
        const fields = (c.schema as { fields: Fields }).fields;
        const last = c.keep.lastIndexOf(true);
        // Where the last kept field ends in the writer's bytes: the length of the writer's
        // leading fields up to it (a struct's layout is its fields one after another).
        const upTo = struct(
          Object.fromEntries(fields.slice(0, last + 1).map(([n, s]) => [n, build(s, c.engine)])),
          { engine: c.engine },
        );
        const bytes = writer.encode(c.value);
        const boundary = upTo.encode(c.value).length;
        const short = bytes.subarray(0, cut % (bytes.length + 1));
        const got = outcome(() => ({ offset: 0, value: resolved.decode(short) }));
        if (short.length < boundary) expect(got).toHaveProperty('code');
        else expect(resolved.decode(short)).toEqual(pick(writer.decode(bytes)));
      }),
      { numRuns: RUNS },
    );
  });

  test('an altered message is read or refused exactly as the writer would, where only the layout is checked', () => {
    // With bools, enums and strings as plain bytes, the writer's codec checks only what a skip
    // checks (prefixes, counts, optional flags, union tags), so the outcomes must be equal.
    const layoutArb = caseArb
      .map((c) => ({ ...c, schema: layoutOnly(c.schema) }))
      .chain((c) =>
        fc.record({
          c: fc.constant(c),
          value: valueArb(c.schema) as fc.Arbitrary<Record<string, unknown>>,
          at: fc.nat(),
          byte: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 })),
        }),
      );
    fc.assert(
      fc.property(layoutArb, ({ c, value, at, byte }) => {
        const { writer, resolved } = setUp(c);
        const altered = writer.encode(value).slice();
        if (altered.length > 0) altered[at % altered.length] = byte;
        const theirs = outcome(() => writer.decodeFrom(altered, 0, altered.length));
        const mine = outcome(() => resolved.decodeFrom(altered, 0, altered.length));
        expect(mine).toEqual(theirs);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

/** The same layout with nothing but the layout checked on decode: bools, enums and literals as u8, strings as bytes. */
function layoutOnly(s: Schema): Schema {
  switch (s.k) {
    case 'prim':
      return s.name === 'bool' ? { k: 'prim', name: 'u8' } : s;
    case 'enum':
    case 'literal':
      return { k: 'prim', name: 'u8' };
    case 'string':
      return { k: 'bytes', length: s.length, prefix: s.prefix };
    case 'array':
    case 'optional':
      return { ...s, item: layoutOnly(s.item) };
    case 'struct':
      return { k: 'struct', fields: s.fields.map(([n, f]) => [n, layoutOnly(f)]) };
    case 'union':
      return {
        ...s,
        variants: s.variants.map(([t, fields]) => [t, fields.map(([n, f]) => [n, layoutOnly(f)])]),
      };
    default:
      return s;
  }
}
