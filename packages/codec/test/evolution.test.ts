import { describe, expect, test } from 'vitest';
import {
  array,
  bytes,
  type Codec,
  checkCompatibility,
  DecodeError,
  EncodeError,
  enumeration,
  f32,
  f64,
  i16,
  i32,
  i64,
  isBpError,
  optional,
  ProtocolConfig,
  resolve,
  SchemaError,
  string,
  struct,
  u8,
  u16,
  u16le,
  u32,
  u64,
  union,
  withAliases,
  withDefault,
  withEngine,
} from '../src/index.node.js';
import { ENGINES } from './engines.js';

function rules(writer: unknown, reader: unknown): string[] {
  return checkCompatibility(writer, reader).issues.map((i) => `${i.path} ${i.rule}`);
}

describe('defaults, aliases and fallbacks in describe()', () => {
  test('a field default is in its descriptor entry, spelled as JSON', () => {
    const S = struct({
      a: withDefault(u8, 7),
      big: withDefault(u64, 18446744073709551615n),
      neg: withDefault(i64, -5n),
      raw: withDefault(bytes(), new Uint8Array([0, 255, 16])),
      nan: withDefault(f64, Number.NaN),
      inf: withDefault(f32, -Infinity),
      zero: withDefault(f64, -0),
      s: withDefault(string(), 'hi'),
      list: withDefault(array(u16), [1, 2]),
      none: withDefault(optional(u8), undefined),
      kind: withDefault(enumeration(['x', 'y']), 'y'),
      nested: withDefault(struct({ q: u8 }), { q: 1 }),
    });
    const fields = (S.describe() as unknown as { fields: { name: string; default?: unknown }[] }).fields;
    expect(Object.fromEntries(fields.map((f) => [f.name, f.default]))).toEqual({
      a: 7,
      big: '18446744073709551615',
      neg: '-5',
      raw: '00ff10',
      nan: 'NaN',
      inf: '-Infinity',
      zero: '-0',
      s: 'hi',
      list: [1, 2],
      none: null,
      kind: 'y',
      nested: { q: 1 },
    });
    // JSON-encodable: what a handshake or a file carries.
    expect(JSON.parse(JSON.stringify(S.describe()))).toEqual(S.describe());
  });

  test('a default changes the descriptor (and so the fingerprint); the bytes do not change', () => {
    const plain = struct({ a: u8 });
    const defaulted = struct({ a: withDefault(u8, 1) });
    expect(defaulted.describe()).not.toEqual(plain.describe());
    expect(defaulted.encode({ a: 9 })).toEqual(plain.encode({ a: 9 }));
    expect(withDefault(u8, 1).describe()).toEqual(u8.describe());
  });

  test('an invalid default is refused with EncodeError', () => {
    expect(() => withDefault(u8, 300)).toThrow(EncodeError);
    expect(() => withDefault(string({ length: 2 }), 'long')).toThrow(EncodeError);
  });

  test('aliases and fallbacks are in the descriptor; bad ones are refused', () => {
    expect(struct({ t: withAliases(f32, ['temp']) }).describe()).toEqual({
      type: 'struct',
      fields: [{ name: 't', schema: { type: 'f32' }, aliases: ['temp'] }],
    });
    expect(enumeration(['a', 'b'], { fallback: 'b' }).describe()).toMatchObject({ fallback: 'b' });
    expect(union('k', { a: struct({}), b: struct({}) }, { fallback: 'a' }).describe()).toMatchObject({
      fallback: 'a',
    });
    expect(() => enumeration(['a'], { fallback: 'z' })).toThrow(TypeError);
    expect(() => union('k', { a: struct({}) }, { fallback: 'z' })).toThrow(TypeError);
    expect(() => withAliases(u8, ['__proto__'])).toThrow(TypeError);
  });
});

describe('checkCompatibility rules', () => {
  test('identical schemas are compatible', () => {
    const S = struct({ a: u8, b: array(string()), c: optional(union('k', { x: struct({ v: i32 }) })) });
    expect(checkCompatibility(S, S)).toEqual({ compatible: true, issues: [] });
    expect(checkCompatibility(S.describe(), JSON.stringify(S.describe()))).toEqual({
      compatible: true,
      issues: [],
    });
  });

  test('fields: added with default or optional, dropped, renamed by alias', () => {
    const V1 = struct({ a: u8, old: u16, gone: string() });
    expect(rules(V1, struct({ a: u8, old: u16, added: withDefault(u8, 0), opt: optional(u8) }))).toEqual([]);
    expect(rules(V1, struct({ a: u8, fresh: withAliases(u16, ['old']) }))).toEqual([]);
    expect(rules(V1, struct({ a: u8, added: u8 }))).toEqual(['added missing-default']);
    // A writer alias that names the reader's field works too (the old reader of a renamed field).
    expect(rules(struct({ fresh: withAliases(u16, ['old']) }), struct({ old: u16 }))).toEqual([]);
  });

  test('numbers widen without loss and nothing else', () => {
    const ok: [Codec<any>, Codec<any>][] = [
      [u8, u16],
      [u16, u32],
      [u32, u64],
      [u8, i16],
      [u16, i32],
      [u32, i64],
      [i16, i32],
      [i32, i64],
      [f32, f64],
      [u16, f32],
      [i32, f64],
      [u16, u16le],
    ];
    for (const [w, r] of ok)
      expect(
        rules(struct({ n: w }), struct({ n: r })),
        `${w.describe().type} -> ${r.describe().type}`,
      ).toEqual([]);
    const bad: [Codec<any>, Codec<any>][] = [
      [u16, u8],
      [u32, i32],
      [i16, u16],
      [f64, f32],
      [u64, f64],
      [i32, u64],
      [u32, f32],
    ];
    for (const [w, r] of bad)
      expect(rules(struct({ n: w }), struct({ n: r }))).toEqual(['n number-narrowed']);
    expect(rules(struct({ n: u8 }), struct({ n: string() }))).toEqual(['n type-changed']);
  });

  test('optional: T -> optional T is fine, the reverse is not', () => {
    expect(rules(struct({ n: u8 }), struct({ n: optional(u16) }))).toEqual([]);
    expect(rules(struct({ n: optional(u8) }), struct({ n: u8 }))).toEqual(['n optional-to-required']);
  });

  test('enum members and union variants the reader lacks need a fallback', () => {
    const E1 = enumeration(['red', 'green', 'blue']);
    expect(rules(E1, enumeration(['red', 'green']))).toEqual([' enum-member-unknown']);
    expect(rules(E1, enumeration(['red', 'green', 'other'], { fallback: 'other' }))).toEqual([]);
    expect(rules(enumeration(['red']), E1)).toEqual([]);
    const U1 = union('kind', { a: struct({ x: u8 }), b: struct({ y: u8 }) });
    expect(rules(struct({ s: U1 }), struct({ s: union('kind', { a: struct({ x: u8 }) }) }))).toEqual([
      's union-variant-unknown',
    ]);
    expect(
      rules(
        struct({ s: U1 }),
        struct({ s: union('kind', { a: struct({ x: u8 }), other: struct({}) }, { fallback: 'other' }) }),
      ),
    ).toEqual([]);
    // The fallback variant's fields need defaults like any reader field.
    expect(
      rules(
        struct({ s: U1 }),
        struct({
          s: union('kind', { a: struct({ x: u8 }), other: struct({ why: u8 }) }, { fallback: 'other' }),
        }),
      ),
    ).toEqual(['s<other>.why missing-default']);
  });

  test('lengths: fixed must match, prefixes may widen, recursion names the path', () => {
    expect(rules(string({ length: 4 }), string({ length: 5 }))).toEqual([' fixed-length']);
    expect(rules(string(), string({ length: 5 }))).toEqual([' fixed-length']);
    expect(rules(string({ length: 5 }), string({ lengthPrefix: 'u8' }))).toEqual([]);
    expect(rules(bytes({ lengthPrefix: 'u8' }), bytes({ lengthPrefix: 'u16' }))).toEqual([]);
    expect(rules(bytes({ lengthPrefix: 'u16' }), bytes({ lengthPrefix: 'u8' }))).toEqual([' length-prefix']);
    expect(rules(array(u8, { length: 3 }), array(u8))).toEqual([]);
    expect(rules(array(u8), array(u8, { length: 3 }))).toEqual([' fixed-length']);
    const W = struct({ status: struct({ items: array(struct({ id: u32 })) }) });
    const R = struct({ status: struct({ items: array(struct({ id: u16 })) }) });
    expect(checkCompatibility(W, R).issues).toEqual([
      expect.objectContaining({ path: 'status.items[].id', rule: 'number-narrowed' }),
    ]);
  });

  test('protocols: type by type, named; a type only one side has is fine; headers must match', () => {
    enum T {
      QUOTE_REQ = 1,
      QUOTE = 2,
      NEW = 3,
    }
    const v1 = new ProtocolConfig({
      messageTypeEnum: T,
      messageStructures: { [T.QUOTE_REQ]: struct({ symbol: string() }), [T.QUOTE]: struct({ price: u32 }) },
    });
    const v2 = new ProtocolConfig({
      messageTypeEnum: T,
      messageStructures: {
        [T.QUOTE_REQ]: struct({ symbol: string(), depth: withDefault(u8, 1) }),
        [T.QUOTE]: struct({ price: u16 }),
        [T.NEW]: struct({}),
      },
    });
    const report = checkCompatibility(v1, v2);
    expect(report.compatible).toBe(false);
    expect(report.issues).toEqual([
      expect.objectContaining({ type: 2, typeName: 'QUOTE', path: 'price', rule: 'number-narrowed' }),
    ]);
    expect(report.issues[0].message).toMatch(/^QUOTE: price was u32/);
    expect(checkCompatibility(v1.describe(), JSON.stringify(v2.describe())).issues).toHaveLength(1);
    const otherHeader = new ProtocolConfig({
      messageTypeEnum: T,
      messageStructures: { [T.NEW]: struct({}) },
      headerFormat: '>I',
    });
    expect(rules(v1, otherHeader)).toEqual([' header-format']);
    expect(() => checkCompatibility(v1, struct({}))).toThrow(SchemaError);
  });
});

describe('resolve', () => {
  const V1 = struct({
    id: u16,
    temp: f32,
    color: enumeration(['red', 'green', 'blue']),
    legacy: withDefault(u8, 42),
    tags: array(struct({ k: string(), dropped: optional(u32) })),
    shape: union('kind', { circle: struct({ r: f32 }), square: struct({ side: u8 }) }),
  });
  const V2 = struct({
    id: u64,
    temperature: withAliases(f64, ['temp']),
    color: enumeration(['red', 'green', 'other'], { fallback: 'other' }),
    battery: withDefault(u8, 100),
    note: optional(string()),
    tags: array(struct({ k: string(), extra: withDefault(array(u8), [1, 2]) })),
    shape: union('kind', { circle: struct({ r: f32 }), unknown: struct({}) }, { fallback: 'unknown' }),
  });
  const old = {
    id: 7,
    temp: 1.5,
    color: 'blue' as const,
    legacy: 3,
    tags: [{ k: 'a', dropped: 9 }],
    shape: { kind: 'square' as const, side: 2 },
  };

  for (const engine of ENGINES) {
    test(`${engine}: decodes v1 bytes as v2 values, and writes v2 values as v1 bytes`, () => {
      const r = resolve(V1.describe(), withEngine(V2, engine));
      expect(r.engine).toBe(engine);
      const decoded = r.decode(V1.encode(old));
      expect(decoded).toEqual({
        id: 7n,
        temperature: 1.5,
        color: 'other',
        battery: 100,
        note: undefined,
        tags: [{ k: 'a', extra: [1, 2] }],
        shape: { kind: 'unknown' },
      });
      // A default object is copied for every decoded value.
      const again = r.decode(V1.encode(old));
      expect(again.tags[0].extra).not.toBe(decoded.tags[0].extra);
      const v2 = {
        id: 9n,
        temperature: 2.5,
        color: 'red' as const,
        battery: 1,
        tags: [{ k: 'b', extra: [] }],
        shape: { kind: 'circle' as const, r: 0.5 },
      };
      const bytes = r.encode(v2);
      expect(r.byteLength(v2)).toBe(bytes.length);
      const target = new Uint8Array(bytes.length + 3);
      expect(r.encodeInto(v2, target, 3)).toBe(bytes.length);
      expect(target.subarray(3)).toEqual(bytes);
      expect(V1.decode(bytes)).toEqual({
        id: 9,
        temp: 2.5,
        color: 'red',
        legacy: 42,
        tags: [{ k: 'b', dropped: undefined }],
        shape: { kind: 'circle', r: 0.5 },
      });
      // Values the writer's schema cannot hold fail with EncodeError and the path.
      expect(() => r.encode({ ...v2, id: 70000n })).toThrow(
        expect.objectContaining({ code: 'out-of-range', path: 'id' }),
      );
      expect(() => r.encode({ ...v2, color: 'other' })).toThrow(
        expect.objectContaining({ code: 'invalid-value', path: 'color' }),
      );
      expect(() => r.encode({ ...v2, shape: { kind: 'unknown' } })).toThrow(EncodeError);
      expect(r.describe()).toEqual(V1.describe());
    });

    test(`${engine}: decoding keeps its limits and typed errors`, () => {
      const r = resolve(V1.describe(), withEngine(V2, engine));
      const bytes = V1.encode(old);
      for (let n = 0; n < bytes.length; n++)
        expect(() => r.decode(bytes.subarray(0, n))).toThrow(DecodeError);
      expect(() => r.decode(bytes, 0, { maxElements: 0 })).toThrow(
        expect.objectContaining({ code: 'budget-exceeded' }),
      );
      expect(() => r.decode(bytes, 0, { maxDepth: 1 })).toThrow(
        expect.objectContaining({ code: 'depth-exceeded' }),
      );
      const res = r.decodeFrom(bytes, 0, bytes.length);
      expect(res.offset).toBe(bytes.length);
    });
  }

  test('widened numbers become bigints and back', () => {
    const r = resolve(struct({ a: u32, b: i32 }).describe(), struct({ a: u64, b: i64 }));
    expect(r.decode(struct({ a: u32, b: i32 }).encode({ a: 0xffffffff, b: -1 }))).toEqual({
      a: 0xffffffffn,
      b: -1n,
    });
    expect(struct({ a: u32, b: i32 }).decode(r.encode({ a: 5n, b: -2n }))).toEqual({ a: 5, b: -2 });
    expect(() => r.encode({ a: 1n << 40n, b: 0n })).toThrow(
      expect.objectContaining({ code: 'out-of-range', path: 'a' }),
    );
    expect(() => r.encode({ a: 1, b: 0n } as never)).toThrow(
      expect.objectContaining({ code: 'type-mismatch', path: 'a' }),
    );
  });

  test('an incompatible pair is refused with the issues', () => {
    try {
      resolve(struct({ a: u32 }).describe(), struct({ a: u8, b: u8 }));
      expect.unreachable();
    } catch (e) {
      expect(isBpError(e)).toBe(true);
      expect(e).toBeInstanceOf(SchemaError);
      expect((e as SchemaError).code).toBe('incompatible-schema');
      expect((e as SchemaError).issues.map((i) => i.rule)).toEqual(['number-narrowed', 'missing-default']);
      expect((e as SchemaError).message).toMatch(/a \[number-narrowed\], b \[missing-default\]/);
    }
  });

  for (const engine of ENGINES) {
    test(`${engine}: a field only the writer has is skipped within the same limits and checks`, () => {
      const W = struct({
        a: u8,
        list: array(u16),
        text: string(),
        opt: optional(array(u8, { length: 2 })),
        b: u8,
      });
      const r = resolve(W.describe(), withEngine(struct({ a: u8, b: u8 }), engine));
      const bytes = W.encode({ a: 1, list: [1, 2, 3], text: 'hello', opt: [7, 8], b: 2 });
      expect(r.decode(bytes)).toEqual({ a: 1, b: 2 });
      expect(() => r.decode(bytes, 0, { maxElements: 4 })).toThrow(
        expect.objectContaining({ code: 'budget-exceeded', path: 'opt' }),
      );
      expect(() => r.decode(bytes, 0, { maxBytes: 4 })).toThrow(
        expect.objectContaining({ code: 'budget-exceeded', path: 'text' }),
      );
      const badFlag = bytes.slice();
      badFlag[1 + 4 + 6 + 4 + 5] = 2;
      expect(() => r.decode(badFlag)).toThrow(
        expect.objectContaining({ code: 'invalid-value', path: 'opt' }),
      );
      const hugeCount = bytes.slice();
      hugeCount.set([0x7f, 0, 0, 0], 1);
      expect(() => r.decode(hugeCount)).toThrow(expect.objectContaining({ code: 'truncated', path: 'list' }));
      expect(() => r.decode(bytes.subarray(0, 8))).toThrow(
        expect.objectContaining({ code: 'truncated', path: 'list' }),
      );
    });
  }

  test('a resolved codec is not a field type', () => {
    const r = resolve(u8.describe(), u16);
    expect(() => struct({ r: r as never })).toThrow(TypeError);
  });

  test('a field only the writer has and no default cannot be written for it', () => {
    const r = resolve(struct({ a: u8, must: u8 }).describe(), struct({ a: u8 }));
    expect(r.decode(new Uint8Array([1, 2]))).toEqual({ a: 1 });
    expect(() => r.encode({ a: 1 })).toThrow(
      expect.objectContaining({ code: 'missing-field', path: 'must' }),
    );
  });
});
