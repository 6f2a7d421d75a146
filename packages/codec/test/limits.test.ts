import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { array, DecodeError, optional, ProtocolConfig, string, struct, u8, u32 } from '../src/index.node.js';
import { ENGINES } from './engines.js';

function decodeError(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

describe.each(ENGINES)('decode budgets (%s)', (engine) => {
  test('an array of zero-size items is bounded by the element budget', () => {
    const Empty = struct({}, { engine });
    const Many = array(Empty, { engine });
    const bytes = new Uint8Array([0xff, 0xff, 0xff, 0xff]); // 4 294 967 295 items of 0 bytes
    const e = decodeError(() => Many.decode(bytes));
    expect(e.code).toBe('budget-exceeded');
    expect(Many.decode(new Uint8Array([0, 0, 0, 3]))).toEqual([{}, {}, {}]);
    expect(decodeError(() => Many.decode(new Uint8Array([0, 0, 0, 10]), 0, { maxElements: 9 })).code).toBe(
      'budget-exceeded',
    );
  });

  test('nested array headers in a 70 KB input cannot multiply into a huge allocation', () => {
    const Nested = array(array(struct({}, { engine }), { engine }), { engine });
    // 17 500 inner arrays (one 4-byte header each), every one claiming 1000 zero-size items:
    // 17.5 million objects from 70 KB unless the budget stops it.
    const input = new Uint8Array(4 + 17_500 * 4);
    const view = new DataView(input.buffer);
    view.setUint32(0, 17_500);
    for (let i = 0; i < 17_500; i++) view.setUint32(4 + i * 4, 1000);
    const e = decodeError(() => Nested.decode(input));
    expect(e.code).toBe('budget-exceeded');
    expect(e.path).toBe('[1031]');
    // Each inner header claiming more than the input could ever hold is refused as truncated.
    const Deeper = array(array(array(u8, { engine }), { engine }), { engine });
    input.fill(0xff, 4);
    expect(decodeError(() => Deeper.decode(input)).code).toBe('truncated');
  });

  test('lengths are checked against the bytes left before anything is allocated', () => {
    const Status = struct({ statusCode: u32, message: string() }, { engine });
    const bytes = new Uint8Array([0, 0, 0, 1, 0, 0x3d, 0x09, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const e = decodeError(() => Status.decode(bytes));
    expect([e.code, e.path, e.offset]).toEqual(['truncated', 'message', 4]);
    expect(e.message).toBe('message: length 4000000 exceeds the 12 bytes left');
    const counts = array(u8, { engine });
    expect(decodeError(() => counts.decode(new Uint8Array([0, 0, 1, 0, 1, 2]))).message).toBe(
      'count 256 exceeds the 2 bytes left',
    );
  });

  test('the byte budget bounds strings and bytes across one decode', () => {
    const Two = struct({ a: string({ engine }), b: string({ engine }) }, { engine });
    const bytes = Two.encode({ a: 'abcd', b: 'efgh' });
    expect(Two.decode(bytes, 0, { maxBytes: 8 })).toEqual({ a: 'abcd', b: 'efgh' });
    const e = decodeError(() => Two.decode(bytes, 0, { maxBytes: 7 }));
    expect([e.code, e.path]).toEqual(['budget-exceeded', 'b']);
  });

  test('the nesting depth limit', () => {
    const Deep = struct({ a: struct({ b: optional(array(u8)) }) }, { engine });
    const bytes = Deep.encode({ a: { b: [1] } });
    expect(Deep.decode(bytes, 0, { maxDepth: 4 })).toEqual({ a: { b: [1] } });
    const e = decodeError(() => Deep.decode(bytes, 0, { maxDepth: 3 }));
    expect([e.code, e.message]).toEqual(['depth-exceeded', 'schema nests 4 levels, the limit is 3']);
  });

  test('the nesting depth limit holds for schemas without arrays, strings or bytes', () => {
    const Flat = struct({ a: struct({ b: u8 }, { engine }) }, { engine });
    const bytes = Flat.encode({ a: { b: 7 } });
    expect(Flat.decode(bytes, 0, { maxDepth: 2 })).toEqual({ a: { b: 7 } });
    expect(Flat.decodeFrom(bytes, 0, 1, { maxElements: 0 }).value).toEqual({ a: { b: 7 } });
    for (const call of [
      () => Flat.decode(bytes, 0, { maxDepth: 1 }),
      () => Flat.decodeFrom(bytes, 0, 1, { maxDepth: 1 }),
    ]) {
      const e = decodeError(call);
      expect([e.code, e.message]).toEqual(['depth-exceeded', 'schema nests 2 levels, the limit is 1']);
    }
  });

  test('random inputs against a deeply nested schema always end in a value or a DecodeError', () => {
    const Tree = array(
      struct({ k: string({ engine }), v: optional(array(array(u8, { engine }), { engine })) }, { engine }),
      {
        engine,
      },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 2000 }), (bytes) => {
        try {
          Tree.decode(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 200 },
    );
  });
});

test('ProtocolConfig limits follow maxPayloadSize', () => {
  const config = new ProtocolConfig({
    messageStructures: { 1: array(struct({})) },
    maxPayloadSize: 100,
  });
  expect(config.decodeLimits).toEqual({ maxElements: 1 << 20, maxBytes: 100, maxDepth: 64 });
  const e = decodeError(() => config.decodeMessage(new Uint8Array([0, 1, 0xff, 0xff, 0xff, 0xff])));
  expect([e.code, e.path]).toEqual(['budget-exceeded', 'type 1']);
});
