/**
 * Random schemas and values for the property tests: a schema is first generated as plain data
 * (so fast-check can print and shrink it), then built into codecs for each engine.
 */
import fc from 'fast-check';
import {
  array,
  bool,
  bytes,
  type Codec,
  type EngineName,
  enumeration,
  f32,
  f32le,
  f64,
  f64le,
  i8,
  i16,
  i16le,
  i32,
  i32le,
  i64,
  i64le,
  type LengthPrefix,
  literal,
  optional,
  string,
  struct,
  u8,
  u16,
  u16le,
  u32,
  u32le,
  u64,
  u64le,
  union,
} from '../src/index.node.js';

export const PRIMITIVES = {
  u8,
  u16,
  u32,
  i8,
  i16,
  i32,
  f32,
  f64,
  u64,
  i64,
  bool,
  u16le,
  u32le,
  i16le,
  i32le,
  f32le,
  f64le,
  u64le,
  i64le,
} as const;
export type PrimName = keyof typeof PRIMITIVES;

export type Schema =
  | { k: 'prim'; name: PrimName }
  | { k: 'string'; length?: number; prefix: LengthPrefix }
  | { k: 'bytes'; length?: number; prefix: LengthPrefix }
  | { k: 'array'; item: Schema; length?: number }
  | { k: 'optional'; item: Schema }
  | { k: 'struct'; fields: [string, Schema][] }
  | { k: 'enum'; values: (string | number)[]; fallback?: string | number }
  | { k: 'literal'; value: string | number }
  | { k: 'union'; tagKey: string; variants: [string, [string, Schema][]][]; fallback?: string };

const prefixArb = fc.constantFrom<LengthPrefix>('u8', 'u16', 'u32');
const lengthArb = fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined });

const leafArb: fc.Arbitrary<Schema> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(...(Object.keys(PRIMITIVES) as PrimName[]))
      .map((name) => ({ k: 'prim' as const, name })),
  },
  fc.record({ k: fc.constant('string' as const), length: lengthArb, prefix: prefixArb }),
  fc.record({ k: fc.constant('bytes' as const), length: lengthArb, prefix: prefixArb }),
  fc
    .uniqueArray(fc.oneof(fc.integer({ min: -200, max: 70000 }), fc.string({ maxLength: 3 })), {
      minLength: 1,
      maxLength: 5,
      selector: (v) => (typeof v === 'string' ? `s${v}` : `n${v}`),
    })
    .filter((vs) => {
      // Strings are numbered 0, 1, ... on the wire: they must not collide with numeric values.
      const strings = vs.filter((v) => typeof v === 'string').length;
      return !vs.some((v) => typeof v === 'number' && v >= 0 && v < strings);
    })
    .map((values) => ({ k: 'enum' as const, values })),
  fc
    .oneof(fc.integer({ min: -5, max: 300 }), fc.string({ maxLength: 3 }))
    .map((value) => ({ k: 'literal' as const, value })),
);

/** Schemas nested up to a few levels: every field type, structs, arrays, optionals. */
export const schemaArb: fc.Arbitrary<Schema> = fc.letrec<{ node: Schema }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'schema' },
    { weight: 3, arbitrary: leafArb },
    fc.record({
      k: fc.constant('array' as const),
      item: tie('node'),
      length: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    }),
    fc.record({ k: fc.constant('optional' as const), item: tie('node') }),
    fc
      .uniqueArray(
        fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'name', 'x y', '0', 'constructor'), tie('node')),
        {
          maxLength: 5,
          selector: ([n]) => n,
        },
      )
      .map((fields) => ({ k: 'struct' as const, fields })),
    fc
      .record({
        tagKey: fc.constantFrom('kind', 'type'),
        variants: fc.uniqueArray(
          fc.tuple(
            fc.constantFrom('a', 'b', 'zz', '0', '7', '300'),
            fc.uniqueArray(fc.tuple(fc.constantFrom('x', 'y', 'z'), tie('node')), {
              maxLength: 3,
              selector: ([n]) => n,
            }),
          ),
          { minLength: 1, maxLength: 4, selector: ([t]) => t },
        ),
      })
      .filter(({ variants }) => {
        // String tags are numbered 0, 1, ...: they must not collide with numeric tags.
        const strings = variants.filter(([t]) => !/^\d+$/.test(t)).length;
        return !variants.some(([t]) => /^\d+$/.test(t) && Number(t) < strings);
      })
      .map(({ tagKey, variants }) => ({ k: 'union' as const, tagKey, variants })),
  ),
})).node;

/** A struct schema at the root (what messages are). */
export const structSchemaArb: fc.Arbitrary<Schema> = fc
  .uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e'), schemaArb), {
    maxLength: 5,
    selector: ([n]) => n,
  })
  .map((fields) => ({ k: 'struct' as const, fields }));

/** Builds the codec for a schema with one engine. */
export function build(s: Schema, engine: EngineName): Codec<any> {
  const o = { engine };
  switch (s.k) {
    case 'prim':
      return PRIMITIVES[s.name];
    case 'string':
      return string({ ...o, length: s.length, lengthPrefix: s.prefix });
    case 'bytes':
      return bytes({ ...o, length: s.length, lengthPrefix: s.prefix });
    case 'array':
      return array(build(s.item, engine), { ...o, length: s.length });
    case 'optional':
      return optional(build(s.item, engine), o);
    case 'struct':
      return struct(Object.fromEntries(s.fields.map(([n, f]) => [n, build(f, engine)])), o);
    case 'enum':
      return enumeration(s.values, { ...o, fallback: s.fallback });
    case 'literal':
      return literal(s.value, o);
    case 'union':
      return union(
        s.tagKey,
        Object.fromEntries(
          s.variants.map(([tag, fields]) => [
            tag,
            struct(Object.fromEntries(fields.map(([n, f]) => [n, build(f, engine)])), o),
          ]),
        ),
        { ...o, fallback: s.fallback },
      );
  }
}

const utf8 = new TextEncoder();
const PREFIX_MAX = { u8: 0xff, u16: 0xffff, u32: 0xffffffff };

/** Valid values of a schema. */
export function valueArb(s: Schema): fc.Arbitrary<unknown> {
  switch (s.k) {
    case 'prim':
      switch (s.name) {
        case 'u8':
          return fc.integer({ min: 0, max: 0xff });
        case 'i8':
          return fc.integer({ min: -0x80, max: 0x7f });
        case 'u16':
        case 'u16le':
          return fc.integer({ min: 0, max: 0xffff });
        case 'i16':
        case 'i16le':
          return fc.integer({ min: -0x8000, max: 0x7fff });
        case 'u32':
        case 'u32le':
          return fc.integer({ min: 0, max: 0xffffffff });
        case 'i32':
        case 'i32le':
          return fc.integer({ min: -0x80000000, max: 0x7fffffff });
        case 'f32':
        case 'f32le':
          return fc.float();
        case 'f64':
        case 'f64le':
          return fc.double();
        case 'u64':
        case 'u64le':
          return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
        case 'i64':
        case 'i64le':
          return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
        case 'bool':
          return fc.boolean();
      }
      break;
    case 'string': {
      const unit = fc.oneof(
        fc.constantFrom('a', '\u0000', 'é', '€', '😀'),
        fc.string({ unit: 'binary', maxLength: 1 }),
      );
      const str = fc.string({ unit, maxLength: 8 });
      const n = s.length;
      if (n !== undefined) return str.filter((v) => utf8.encode(v).length <= n && !v.endsWith('\u0000'));
      // Long strings (over 64 UTF-16 units) take the native/TextEncoder path.
      const long = fc.string({ unit, minLength: 60, maxLength: 90 });
      const max = PREFIX_MAX[s.prefix];
      return fc.oneof({ weight: 3, arbitrary: str }, long).filter((v) => utf8.encode(v).length <= max);
    }
    case 'bytes':
      return s.length === undefined
        ? fc.uint8Array({ maxLength: 8 })
        : fc.uint8Array({ minLength: s.length, maxLength: s.length });
    case 'array':
      return s.length === undefined
        ? fc.array(valueArb(s.item), { maxLength: 4 })
        : fc.array(valueArb(s.item), { minLength: s.length, maxLength: s.length });
    case 'optional':
      return fc.option(valueArb(s.item), { nil: undefined });
    case 'struct':
      return fc.record(Object.fromEntries(s.fields.map(([n, f]) => [n, valueArb(f)])));
    case 'enum':
      return fc.constantFrom(...s.values);
    case 'literal':
      return fc.constant(s.value);
    case 'union': {
      // Object.keys order (integer-like keys first) decides nothing here: each value names its tag.
      const { tagKey } = s;
      return fc.oneof(
        ...s.variants.map(([tag, fields]) =>
          fc
            .record(Object.fromEntries(fields.map(([n, f]) => [n, valueArb(f)])))
            .map((body) => ({ [tagKey]: /^\d+$/.test(tag) ? Number(tag) : tag, ...body })),
        ),
      );
    }
  }
  throw new Error('unreachable');
}

/** A schema together with one of its values. */
export const schemaAndValueArb = (schemas: fc.Arbitrary<Schema> = schemaArb) =>
  schemas.chain((schema) => valueArb(schema).map((value) => ({ schema, value })));
