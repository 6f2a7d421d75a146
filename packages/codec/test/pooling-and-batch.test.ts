import { describe, expect, test } from 'vitest';
import {
  array,
  bytes,
  f32,
  ProtocolConfig,
  string,
  struct,
  u8,
  u16,
  u32,
  Writer,
} from '../src/index.node.js';
import { ENGINES } from './engines.js';

describe.each(ENGINES)('%s', (engine) => {
  test('decodeInto reuses the target object, nested structs and fixed arrays', () => {
    const Pose = struct(
      { id: u16, pos: struct({ x: f32, y: f32 }), flags: array(u8, { length: 3 }) },
      { engine },
    );
    const a = Pose.encode({ id: 1, pos: { x: 1.5, y: 2.5 }, flags: [1, 2, 3] });
    const b = Pose.encode({ id: 2, pos: { x: -1, y: 0 }, flags: [4, 5, 6] });
    const target = { id: 0, pos: { x: 0, y: 0 }, flags: [0, 0, 0] };
    const pos = target.pos;
    const flags = target.flags;
    expect(Pose.decodeInto(a, 0, target)).toBe(target);
    expect(target).toEqual({ id: 1, pos: { x: 1.5, y: 2.5 }, flags: [1, 2, 3] });
    Pose.decodeInto(b, 0, target);
    expect(target).toEqual({ id: 2, pos: { x: -1, y: 0 }, flags: [4, 5, 6] });
    expect(target.pos).toBe(pos);
    expect(target.flags).toBe(flags);
    expect(() => Pose.decodeInto(a.subarray(0, 5), 0, target)).toThrow(
      expect.objectContaining({ code: 'truncated' }),
    );
  });

  test('decodeInto on a variable-size struct still fills the target', () => {
    const S = struct({ a: u8, s: string() }, { engine });
    const target = { a: 0, s: '' };
    expect(S.decodeInto(S.encode({ a: 3, s: 'hi' }), 0, target)).toBe(target);
    expect(target).toEqual({ a: 3, s: 'hi' });
  });

  test('encodeBatchInto writes values back to back', () => {
    const P = struct({ a: u8, s: string({ lengthPrefix: 'u8' }) }, { engine });
    const values = [
      { a: 1, s: 'x' },
      { a: 2, s: '' },
      { a: 3, s: 'yz' },
    ];
    const target = new Uint8Array(32);
    const n = P.encodeBatchInto(values, target, 1);
    expect(n).toBe(3 + 2 + 4);
    let off = 1;
    for (const v of values) {
      const r = P.decodeFrom(target, off, 1 + n);
      expect(r.value).toEqual(v);
      off = r.offset;
    }
    expect(() =>
      P.encodeBatchInto(
        [
          { a: 1, s: 'x' },
          { a: 300, s: '' },
        ],
        target,
      ),
    ).toThrow('[1].a: 300 is outside the u8 range 0..255');
  });

  test('decodeFrom results stay valid after later calls (each call returns its own)', () => {
    const P = struct({ a: u8, s: string({ lengthPrefix: 'u8' }) }, { engine });
    const bytes = new Uint8Array([1, 1, 0x78, 2, 0]);
    const first = P.decodeFrom(bytes, 0, bytes.length);
    const second = P.decodeFrom(bytes, first.offset, bytes.length);
    expect(second).not.toBe(first);
    expect(first).toEqual({ value: { a: 1, s: 'x' }, offset: 3 });
    expect(second).toEqual({ value: { a: 2, s: '' }, offset: 5 });
  });
});

test('Writer grows its buffer and appends messages', () => {
  const config = new ProtocolConfig({
    messageStructures: { 1: struct({ n: u32 }), 2: struct({ data: bytes() }) },
  });
  const w = new Writer(16);
  for (let i = 0; i < 10; i++) w.writeMessage(config, 1, { n: i });
  w.writeMessage(config, 2, { data: new Uint8Array(100).fill(7) });
  w.write(u8, 9);
  const out = w.bytes();
  expect(out.length).toBe(10 * 6 + 2 + 4 + 100 + 1);
  for (let i = 0; i < 10; i++)
    expect(config.decodeMessage(out, i * 6, i * 6 + 6)).toEqual({ type: 1, value: { n: i } });
  expect(config.decodeMessage(out, 60, 166).value).toEqual({ data: new Uint8Array(100).fill(7) });
  expect(out[166]).toBe(9);
  w.reset();
  expect(w.bytes().length).toBe(0);
  expect(() => w.write(u8, -1)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
});

test('bytes decode as views into the source unless copy is asked for', () => {
  const View = struct({ b: bytes() });
  const Copy = struct({ b: bytes({ copy: true }) });
  const source = View.encode({ b: new Uint8Array([1, 2, 3]) });
  const view = View.decode(source).b;
  const copy = Copy.decode(source).b;
  source[4] = 99;
  expect(view[0]).toBe(99);
  expect(copy[0]).toBe(1);
  expect(view.buffer).toBe(source.buffer);
  expect(copy.buffer).not.toBe(source.buffer);
});

test('encode() results are exact-size views that later encodes never overwrite', () => {
  const S = struct({ n: u32, s: string() });
  const results = Array.from(
    { length: 5000 },
    (_, i) => [i, S.encode({ n: i, s: 'x'.repeat(i % 40) })] as const,
  );
  for (const [i, bytes] of results) {
    expect(bytes.length).toBe(8 + (i % 40));
    expect(S.decode(bytes)).toEqual({ n: i, s: 'x'.repeat(i % 40) });
  }
  // Large values get an array of their own; the same codec goes back to the slab for small ones.
  const B = bytes();
  for (const size of [100_000, 3, 70_000, 10, 20_000, 0]) {
    const data = new Uint8Array(size).fill(size & 0xff);
    const encoded = B.encode(data);
    expect(encoded.length).toBe(size + 4);
    expect(B.decode(encoded)).toEqual(data);
    if (size > 65_532) expect([encoded.byteOffset, encoded.buffer.byteLength]).toEqual([0, size + 4]);
  }
});

test('encode() survives its slab being transferred away', () => {
  const first = u32.encode(1);
  structuredClone(first.buffer, { transfer: [first.buffer as ArrayBuffer] });
  expect(first.length).toBe(0); // detached, as the user asked
  const next = u32.encode(2);
  expect(Array.from(next)).toEqual([0, 0, 0, 2]);
});
