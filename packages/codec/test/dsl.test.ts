import { describe, expect, test } from 'vitest';
import {
  array,
  bool,
  bytes,
  DecodeError,
  EncodeError,
  enumeration,
  f32,
  f64,
  i8,
  i16le,
  literal,
  optional,
  string,
  struct,
  u8,
  u16,
  u32,
  u64,
  union,
  withEngine,
} from '../src/index.node.js';
import { ENGINES } from './engines.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe.each(ENGINES)('engine %s', (engine) => {
  test('the issue example: SensorData is 16 bytes of big-endian f32', () => {
    const SensorData = struct({ sensor1: f32, sensor2: f32, sensor3: f32, sensor4: f32 }, { engine });
    const buf = new Uint8Array(64);
    const n = SensorData.encodeInto({ sensor1: 1.5, sensor2: 2, sensor3: 3, sensor4: 4 }, buf, 0);
    expect(n).toBe(16);
    expect(SensorData.fixedSize).toBe(16);
    expect(hex(buf.subarray(0, 16))).toBe('3fc00000400000004040000040800000');
    expect(SensorData.decode(buf, 0)).toEqual({ sensor1: 1.5, sensor2: 2, sensor3: 3, sensor4: 4 });
  });

  test('Status: u32 then a u32-length-prefixed UTF-8 string', () => {
    const Status = struct({ statusCode: u32, message: string() }, { engine });
    const bytes = Status.encode({ statusCode: 200, message: 'ok' });
    expect(hex(bytes)).toBe('000000c8000000026f6b');
    expect(Status.byteLength({ statusCode: 200, message: 'ok' })).toBe(10);
    expect(Status.fixedSize).toBeUndefined();
    expect(Status.decode(bytes)).toEqual({ statusCode: 200, message: 'ok' });
  });

  test('nested structs, arrays, optionals, enums, bytes', () => {
    const Point = struct({ x: i16le, y: i16le }, { engine });
    const Shape = struct(
      {
        id: u64,
        kind: enumeration(['circle', 'polygon'], { engine }),
        points: array(Point, { engine }),
        corners: array(u8, { length: 3, engine }),
        label: optional(string({ length: 4, engine }), { engine }),
        blob: bytes({ engine }),
        visible: bool,
        version: literal(7, { engine }),
      },
      { engine },
    );
    const value = {
      id: 2n ** 63n,
      kind: 'polygon' as const,
      points: [
        { x: -1, y: 2 },
        { x: 300, y: -300 },
      ],
      corners: [1, 2, 3],
      label: 'ab',
      blob: new Uint8Array([9, 8]),
      visible: true,
      version: 7 as const,
    };
    const encoded = Shape.encode(value);
    expect(encoded.length).toBe(Shape.byteLength(value));
    const back = Shape.decode(encoded);
    expect(back).toEqual(value);
    expect(hex(encoded)).toBe(
      `8000000000000000` +
        `01` +
        `00000002` +
        `ffff0200` +
        `2c01d4fe` +
        `010203` +
        `01` +
        `61620000` +
        `00000002` +
        `0908` +
        `01` +
        `07`,
    );
  });

  test('out-of-range and wrong-type values throw EncodeError with the path', () => {
    const S = struct({ a: u8, inner: struct({ list: array(u16) }), big: u64 }, { engine });
    const buf = new Uint8Array(64);
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as EncodeError;
      }
      throw new Error('did not throw');
    };
    let e = err(() => S.encodeInto({ a: 300, inner: { list: [] }, big: 1n }, buf));
    expect(e).toBeInstanceOf(EncodeError);
    expect([e.code, e.path]).toEqual(['out-of-range', 'a']);
    e = err(() => S.encodeInto({ a: 1, inner: { list: [1, 70000] }, big: 1n }, buf));
    expect([e.code, e.path]).toEqual(['out-of-range', 'inner.list[1]']);
    e = err(() => S.encodeInto({ a: 1, inner: { list: [] }, big: 1 as never }, buf));
    expect([e.code, e.path]).toEqual(['type-mismatch', 'big']);
    e = err(() => S.encodeInto({ a: 1, inner: { list: [] } } as never, buf));
    expect([e.code, e.path]).toEqual(['missing-field', 'big']);
    e = err(() => struct({ s: string({ length: 2 }) }, { engine }).encode({ s: 'abc' }));
    expect([e.code, e.path]).toEqual(['too-long', 's']);
    e = err(() => i8.encode(128));
    expect(e.code).toBe('out-of-range');
    e = err(() => f64.encode('1' as never));
    expect(e.code).toBe('type-mismatch');
  });

  test('truncated input throws DecodeError with the path', () => {
    const Status = struct({ statusCode: u32, message: string() }, { engine });
    const bytes = Status.encode({ statusCode: 1, message: 'hello' });
    bytes[7] = 200; // claim a longer message than the buffer holds
    try {
      Status.decode(bytes);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).code).toBe('truncated');
      expect((e as DecodeError).path).toBe('message');
      expect((e as DecodeError).message).toBe('message: length 200 exceeds the 5 bytes left');
    }
  });

  test('discriminated unions: the tag, then the variant', () => {
    const Shape = union(
      'kind',
      { circle: struct({ r: f32 }), rect: struct({ w: u16, h: u16 }), 9: struct({ note: string() }) },
      { engine },
    );
    expect(hex(Shape.encode({ kind: 'rect', w: 2, h: 3 }))).toBe('0100020003');
    expect(hex(Shape.encode({ kind: 'circle', r: 1.5 }))).toBe('003fc00000');
    expect(hex(Shape.encode({ kind: 9, note: 'x' }))).toBe('090000000178');
    for (const v of [
      { kind: 'rect', w: 2, h: 3 },
      { kind: 'circle', r: 1.5 },
      { kind: 9, note: 'x' },
    ] as const) {
      expect(Shape.decode(Shape.encode(v))).toEqual(v);
      expect(Object.keys(Shape.decode(Shape.encode(v)))[0]).toBe('kind');
    }
    expect(() => Shape.encode({ kind: 'oval' } as never)).toThrow(
      expect.objectContaining({ code: 'invalid-value', path: 'kind' }),
    );
    expect(() => Shape.decode(new Uint8Array([5, 0, 0, 0, 0]))).toThrow(
      expect.objectContaining({ code: 'invalid-value', path: 'kind' }),
    );
    expect(() => Shape.decode(new Uint8Array([1, 0, 2]))).toThrow(
      expect.objectContaining({ code: 'truncated' }),
    );
    expect(Shape.describe()).toEqual({
      type: 'union',
      tagKey: 'kind',
      repr: 'u8',
      variants: [
        {
          tag: 9,
          wire: 9,
          schema: {
            type: 'struct',
            fields: [{ name: 'note', schema: { type: 'string', lengthPrefix: 'u32' } }],
          },
        },
        {
          tag: 'circle',
          wire: 0,
          schema: { type: 'struct', fields: [{ name: 'r', schema: { type: 'f32' } }] },
        },
        {
          tag: 'rect',
          wire: 1,
          schema: {
            type: 'struct',
            fields: [
              { name: 'w', schema: { type: 'u16' } },
              { name: 'h', schema: { type: 'u16' } },
            ],
          },
        },
      ],
    });
    expect(() => union('kind', { a: struct({ kind: u8 }) })).toThrow(/named like the tag/);
    expect(() => union('kind', { a: u8 as never })).toThrow(/must be a struct/);
  });

  test('a leading byte-order mark survives, short or long', () => {
    const s = string({ engine });
    for (const text of ['\ufeffa', `\ufeff${'x'.repeat(40)}`, `${'é'.repeat(30)}\ufeff`]) {
      expect(s.decode(s.encode(text))).toBe(text);
    }
  });

  test('withEngine gives the same bytes', () => {
    const S = struct({ a: u8, b: string() });
    expect(withEngine(S, engine).encode({ a: 1, b: 'x' })).toEqual(S.encode({ a: 1, b: 'x' }));
    expect(withEngine(S, engine).engine).toBe(engine);
  });
});
