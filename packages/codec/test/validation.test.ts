import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  array,
  bool,
  bytes,
  type Codec,
  DecodeError,
  EncodeError,
  enumeration,
  FieldDefinition,
  f32,
  f32le,
  f64,
  fromFormat,
  i8,
  i16,
  i32,
  i64,
  literal,
  MessageStructure,
  optional,
  string,
  struct,
  u8,
  u16,
  u32,
  u64,
  withEngine,
} from '../src/index.node.js';
import { ENGINES } from './engines.js';

function thrown(fn: () => unknown): { code: string; path: string; message: string; kind: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof EncodeError || e instanceof DecodeError) {
      return { code: e.code, path: e.path, message: e.message, kind: e.name };
    }
    throw e;
  }
  throw new Error('did not throw');
}

enum Color {
  Red = 1,
  Green = 2,
  Blue = 40,
}

describe.each(ENGINES)('%s', (engine) => {
  const E = <T>(c: Codec<T>) => withEngine(c, engine);

  test.each([
    [u8, 256, 'out-of-range'],
    [u8, -1, 'out-of-range'],
    [u8, 1.5, 'out-of-range'],
    [u8, Number.NaN, 'out-of-range'],
    [u8, '1', 'type-mismatch'],
    [i8, 128, 'out-of-range'],
    [i8, -129, 'out-of-range'],
    [u16, 65536, 'out-of-range'],
    [i16, -32769, 'out-of-range'],
    [u32, 2 ** 32, 'out-of-range'],
    [u32, -0.5, 'out-of-range'],
    [i32, 2 ** 31, 'out-of-range'],
    [f32, 1e39, 'out-of-range'],
    [f32, -3.5e38, 'out-of-range'],
    [f64, 1n, 'type-mismatch'],
    [u64, 1, 'type-mismatch'],
    [u64, -1n, 'out-of-range'],
    [u64, 2n ** 64n, 'out-of-range'],
    [i64, 2n ** 63n, 'out-of-range'],
    [bool, 1, 'type-mismatch'],
    [string(), 5, 'type-mismatch'],
    [string({ length: 2 }), 'abc', 'too-long'],
    [string({ length: 4 }), 'a\u0000', 'invalid-value'],
    [string({ length: 3 }), '€€', 'too-long'],
    [string({ lengthPrefix: 'u8' }), 'x'.repeat(256), 'too-long'],
    [string({ length: 100 }), 'é'.repeat(70), 'too-long'],
    [bytes(), [1, 2], 'type-mismatch'],
    [bytes({ length: 2 }), new Uint8Array(3), 'too-long'],
    [array(u8, { length: 2 }), [1], 'invalid-length'],
    [array(u8), 'ab', 'type-mismatch'],
    [enumeration(Color), 3, 'invalid-value'],
    [enumeration(['a', 'b']), 'c', 'invalid-value'],
    [literal(7), 8, 'invalid-value'],
    [struct({ a: u8 }), null, 'type-mismatch'],
    [struct({ a: u8 }), {}, 'missing-field'],
  ] as [Codec<unknown>, unknown, string][])('encoding %# throws EncodeError %s', (codec, value, code) => {
    const c = E(codec);
    const e = thrown(() => c.encode(value));
    expect([e.kind, e.code]).toEqual(['EncodeError', code]);
    expect(thrown(() => c.encodeInto(value, new Uint8Array(1024), 3)).code).toBe(code);
  });

  test('a lone surrogate is encoded as U+FFFD, like TextEncoder does, short or long', () => {
    const c = E(string());
    for (const [input, output] of [
      ['a\ud800b', 'a\ufffdb'],
      ['\udc00', '\ufffd'],
      ['x\ud83d', 'x\ufffd'],
      [`${'x'.repeat(80)}\udc00`, `${'x'.repeat(80)}\ufffd`],
      [`${'é'.repeat(40)}\ud800${'y'.repeat(40)}`, `${'é'.repeat(40)}\ufffd${'y'.repeat(40)}`],
    ]) {
      const bytes = c.encode(input);
      expect(bytes.length).toBe(c.byteLength(input));
      expect(bytes).toEqual(c.encode(output));
      expect(c.decode(bytes)).toBe(output);
    }
  });

  test('f32 keeps Infinity, NaN and -0 and rounds like a C float cast', () => {
    const c = E(f32);
    expect(c.decode(c.encode(Infinity))).toBe(Infinity);
    expect(c.decode(c.encode(Number.NaN))).toBeNaN();
    expect(Object.is(c.decode(c.encode(-0)), -0)).toBe(true);
    expect(c.decode(c.encode(0.1))).toBe(Math.fround(0.1));
    expect(c.decode(c.encode(3.4028235e38))).toBe(Math.fround(3.4028235e38));
  });

  // The compiled engines check the range of consecutive f32 fields in one comparison after the
  // group (F32_OVERFLOW_SQUARED): the error must still be the first bad field's, in field order,
  // and NaN / Infinity next to an overflow must not hide it.
  test.each([
    [{ a: 1e39, b: 'x', c: 0 }, 'out-of-range', 'a'],
    [{ a: 1, b: 'x', c: 1e39 }, 'type-mismatch', 'b'],
    [{ a: Number.NaN, b: 1, c: -1e39 }, 'out-of-range', 'c'],
    [{ a: Infinity, b: Number.NaN, c: 3.5e38 }, 'out-of-range', 'c'],
    [{ a: 1, c: 2 }, 'missing-field', 'b'],
    [{ a: Math.fround(2.4e38), b: Math.fround(-2.4e38), c: Math.fround(2.4e38) }, undefined, ''],
  ])('a run of f32 fields reports the first bad one: %o', (value, code, path) => {
    const c = E(struct({ a: f32, b: f32, c: f32le }));
    const reference = withEngine(c, 'interpreted');
    if (code === undefined) {
      expect(c.encode(value as never)).toEqual(reference.encode(value as never));
      expect(c.decode(c.encode(value as never))).toEqual(value);
      return;
    }
    expect(thrown(() => c.encode(value as never))).toMatchObject({ code, path });
    expect(thrown(() => c.encodeInto(value as never, new Uint8Array(12)))).toMatchObject({ code, path });
  });

  // Structs of primitives test for an object only once a field check fails (objectCheckCanWait):
  // a non-object must still be refused as one, also where a primitive has a property of that name.
  test.each([
    [struct({ x: f32, y: f32 }), 5],
    [struct({ x: f32, y: f32 }), 'xy'],
    [struct({ x: f32, y: f32 }), () => 1],
    [struct({ x: f32, y: f32 }), null],
    [struct({ x: u8, y: f32, z: i16 }), 7n],
    [struct({ x: u8, y: f32, z: i16 }), true],
    [struct({ length: u32 }), 'abc'],
    [struct({ length: u32 }), (a: number) => a],
    [struct({ x: f32, length: f32 }), 'abcd'],
  ])('%#: a struct of primitives refuses a non-object as a type mismatch', (schema, value) => {
    const c = E(schema as Codec<any>);
    expect(thrown(() => c.encode(value))).toMatchObject({ code: 'type-mismatch', path: '' });
    expect(thrown(() => c.encodeInto(value, new Uint8Array(64)))).toMatchObject({ code: 'type-mismatch' });
  });

  test('undefined for a struct of primitives is a missing value', () => {
    const c = E(struct({ a: struct({ x: f32, y: u8 }) }));
    expect(thrown(() => c.encode({ a: undefined } as never))).toMatchObject({
      code: 'missing-field',
      path: 'a',
    });
  });

  test('an f32 group is closed before the next non-f32 field: its error still comes first', () => {
    const c = E(struct({ x: f32, n: u8, y: f32, z: f32 }));
    expect(thrown(() => c.encode({ x: 1e39, n: 300, y: 0, z: 0 }))).toMatchObject({ path: 'x' });
    expect(thrown(() => c.encode({ x: 0, n: 300, y: 1e39, z: 0 }))).toMatchObject({ path: 'n' });
    expect(thrown(() => c.encode({ x: 0, n: 3, y: Infinity, z: -1e39 }))).toMatchObject({
      code: 'out-of-range',
      path: 'z',
    });
    expect(c.decode(c.encode({ x: Number.NaN, n: 3, y: Infinity, z: -0 }))).toEqual({
      x: Number.NaN,
      n: 3,
      y: Infinity,
      z: -0,
    });
  });

  test.each([
    [bool, [2], 'invalid-value'],
    [optional(u8), [2, 0], 'invalid-value'],
    [enumeration(Color), [3], 'invalid-value'],
    [enumeration(['a', 'b']), [2], 'invalid-value'],
    [literal(7), [8], 'invalid-value'],
    [string({ fatal: true }), [0, 0, 0, 2, 0xc3, 0x28], 'invalid-value'],
    [string({ fatal: true }), [0, 0, 0, 3, 0xed, 0xa0, 0x80], 'invalid-value'],
    [string({ fatal: true }), [0, 0, 0, 2, 0xc0, 0x80], 'invalid-value'],
    [string({ length: 2, fatal: true }), [0xff, 0], 'invalid-value'],
    // Longer strings go through TextDecoder: it must be just as strict.
    [string({ fatal: true }), [0, 0, 0, 20, ...new Array(19).fill(0x61), 0xff], 'invalid-value'],
    [string({ fatal: true }), [0, 0, 0, 20, ...new Array(17).fill(0x61), 0xed, 0xa0, 0x80], 'invalid-value'],
    [u32, [1, 2, 3], 'truncated'],
    [string(), [0, 0, 0, 9, 1], 'truncated'],
  ] as [Codec<unknown>, number[], string][])('decoding %# throws DecodeError %s', (codec, bytes, code) => {
    const e = thrown(() => E(codec).decode(new Uint8Array(bytes)));
    expect([e.kind, e.code]).toEqual(['DecodeError', code]);
  });

  test.each([
    [0xc3, 0x28],
    [0xed, 0xa0, 0x80],
    [0xc0, 0x80],
    [0xef, 0xbb, 0xbf, 0x61],
    [...new Array(19).fill(0x61), 0xff],
    [...new Array(17).fill(0x61), 0xed, 0xa0, 0x80],
    [0xf0, 0x9f, 0x98],
  ])('without fatal, malformed UTF-8 decodes as the WHATWG decoder does (%#)', (...body: number[]) => {
    const whatwg = new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array(body));
    const prefixed = E(string()).decode(new Uint8Array([0, 0, 0, body.length, ...body]));
    const fixed = E(string({ length: body.length + 2 })).decode(new Uint8Array([...body, 0, 0]));
    expect(prefixed).toBe(whatwg);
    expect(fixed).toBe(whatwg);
    expect(prefixed).toContain(body[0] === 0xef ? '\ufeff' : '\ufffd');
  });

  test('any bytes decode as the WHATWG decoder reads them, and fatal strings refuse exactly what it would', () => {
    const lenient = E(string());
    const strict = E(string({ fatal: true }));
    const whatwg = new TextDecoder('utf-8', { ignoreBOM: true });
    const checker = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (body) => {
        const framed = new Uint8Array([0, 0, 0, body.length, ...body]);
        expect(lenient.decode(framed)).toBe(whatwg.decode(body));
        let wellFormed = true;
        try {
          checker.decode(body);
        } catch {
          wellFormed = false;
        }
        if (wellFormed) expect(strict.decode(framed)).toBe(whatwg.decode(body));
        else expect(thrown(() => strict.decode(framed)).code).toBe('invalid-value');
      }),
      { numRuns: 300 },
    );
  });

  test('long strings read the same from a Buffer, a Uint8Array and a view at an offset (native reader)', () => {
    const S = E(struct({ id: u32, text: string() }));
    const value = { id: 7, text: `€${'x'.repeat(30)}é` };
    const wire = S.encode(value);
    const backing = new Uint8Array(wire.length + 13);
    backing.set(wire, 5);
    const sources = [
      Uint8Array.from(wire),
      Buffer.from(wire),
      backing.subarray(5, 5 + wire.length),
      Buffer.from(backing.buffer, 5, wire.length),
    ];
    for (const source of sources) expect(S.decode(source)).toEqual(value);
    // A malformed byte in the middle of a long string becomes U+FFFD whatever the source is.
    backing[5 + 8 + 10] = 0xff;
    const broken = backing.subarray(5, 5 + wire.length);
    const expected = new TextDecoder('utf-8', { ignoreBOM: true }).decode(broken.subarray(8));
    expect(S.decode(broken).text).toBe(expected);
    expect(S.decode(Buffer.from(backing.buffer, 5, wire.length)).text).toBe(expected);
    expect(expected).toContain('\ufffd');
  });

  test('enums are checked on decode and map TypeScript enums and string lists', () => {
    const c = E(enumeration(Color));
    expect(c.encode(Color.Blue)).toEqual(new Uint8Array([40]));
    expect(c.decode(new Uint8Array([2]))).toBe(Color.Green);
    const s = E(enumeration(['buy', 'sell'], { repr: u16 }));
    expect(s.encode('sell')).toEqual(new Uint8Array([0, 1]));
    expect(E(enumeration([-1, 300])).describe()).toEqual({
      type: 'enum',
      repr: 'i16',
      values: [
        { value: -1, wire: -1 },
        { value: 300, wire: 300 },
      ],
    });
  });

  test('fixed strings strip their zero padding on decode', () => {
    const c = E(string({ length: 6 }));
    expect(Buffer.from(c.encode('hé')).toString('hex')).toBe('68c3a9000000');
    expect(c.decode(c.encode('hé'))).toBe('hé');
    expect(c.decode(c.encode(''))).toBe('');
    expect(c.decode(new Uint8Array([0x61, 0, 0x62, 0, 0, 0]))).toBe('a\u0000b');
  });

  test('error paths name nested fields and array items', () => {
    const S = E(
      new MessageStructure([
        new FieldDefinition('items', array(struct({ id: u8, tags: array(string({ fatal: true })) }))),
        new FieldDefinition('tail', u8),
      ]),
    );
    const e = thrown(() =>
      S.encode({
        items: [
          { id: 1, tags: [] },
          { id: 2, tags: ['a', 7 as never] },
        ],
        tail: 1,
      }),
    );
    expect(e.path).toBe('items[1].tags[1]');
    const bytes = S.encode({ items: [{ id: 1, tags: ['ok'] }], tail: 1 });
    bytes[13] = 0xff; // first byte of "ok"
    const d = thrown(() => S.decode(bytes));
    expect([d.code, d.path]).toEqual(['invalid-value', 'items[0].tags[0]']);
  });

  test('bad offsets', () => {
    expect(thrown(() => E(u8).encodeInto(1, new Uint8Array(2), 3)).code).toBe('invalid-range');
    expect(thrown(() => E(u8).encodeInto(1, new Uint8Array(2), 1.5)).code).toBe('invalid-range');
    expect(thrown(() => E(u8).encodeInto(1, new Uint8Array(2), 2)).code).toBe('buffer-too-small');
    expect(thrown(() => E(u8).decode(new Uint8Array(2), -1)).code).toBe('invalid-range');
    expect(thrown(() => E(u8).decodeFrom(new Uint8Array(2), 1, 3)).code).toBe('invalid-range');
    expect(thrown(() => E(u8).decodeFrom(new Uint8Array(2), 1, 1)).code).toBe('truncated');
  });
});

describe('fromFormat and FieldDefinition', () => {
  test.each(['>f', '!d', '<q', '>Q', '>?', '<h', '>H', '>i', '<I', '>l', '<L', '>b', '<B', '>16s', '>s'])(
    '%s is accepted',
    (f) => {
      expect(fromFormat(f).fixedSize).toBeGreaterThan(0);
    },
  );
  test.each([
    ['f', /byte order/],
    ['@I', /native order/],
    ['=I', /byte order/],
    ['>2H', /repeat count/],
    ['>x', /not supported/],
    ['>e', /not supported/],
    ['>', /exactly one value/],
    ['>HH', /exactly one value/],
    ['', /format string/],
  ])('%s is refused with a reason', (f, why) => {
    expect(() => fromFormat(f)).toThrow(why);
  });
  test('describe() of format codecs is the same as the DSL', () => {
    expect(fromFormat('>I').describe()).toEqual(u32.describe());
    expect(fromFormat('<q').describe()).toEqual({ type: 'i64le' });
    expect(fromFormat('>8s').describe()).toEqual({ type: 'bytes', length: 8 });
  });
  test('FieldDefinition types', () => {
    const s = new MessageStructure([
      new FieldDefinition('n', Number),
      new FieldDefinition('t', String, { formatString: '>4s' }),
      new FieldDefinition('b', BigInt),
      new FieldDefinition('q', BigInt, { formatString: '<Q' }),
      new FieldDefinition('ok', Boolean),
      new FieldDefinition('raw', Uint8Array),
    ]);
    expect(s.describe()).toEqual({
      type: 'struct',
      fields: [
        { name: 'n', schema: { type: 'f64' } },
        // raw makes the structure variable: as in the package, t's fixed length is then ignored.
        { name: 't', schema: { type: 'string', lengthPrefix: 'u32' } },
        { name: 'b', schema: { type: 'i64' } },
        { name: 'q', schema: { type: 'u64le' } },
        { name: 'ok', schema: { type: 'bool' } },
        { name: 'raw', schema: { type: 'bytes', lengthPrefix: 'u32' } },
      ],
    });
    expect(s.fields.map((f) => f.name)).toEqual(['n', 't', 'b', 'q', 'ok', 'raw']);
    expect(() => new FieldDefinition('x', String, { formatString: '>I' })).toThrow(/'Ns'/);
    expect(() => new FieldDefinition('x', Number, { fixedLength: 3 })).toThrow(/fixedLength/);
    expect(() => new FieldDefinition('x', Date as never)).toThrow(/type must be/);
    expect(
      () => new MessageStructure([new FieldDefinition('a', Number), new FieldDefinition('a', Number)]),
    ).toThrow(/duplicate/);
  });
});
