/**
 * The closures engine's copies of the unrolled struct literals (struct-sites.ts): they must stay
 * verbatim copies, and struct types must be spread over them as documented.
 */
import { expect, test } from 'vitest';
import { bytes, string, struct, u32, withEngine } from '../src/index.node.js';
import { STRUCT_SITE_COPIES, unrolledFor } from '../src/struct-sites.js';
import * as a from '../src/struct-unrolled.js';
import * as b from '../src/struct-unrolled-b.js';

test('every copy has the same source text as struct-unrolled.ts', () => {
  for (const copy of [b]) {
    expect(copy.unrolledWriter.toString()).toBe(a.unrolledWriter.toString());
    expect(copy.unrolledReader.toString()).toBe(a.unrolledReader.toString());
    expect(copy.WRITERS.map(String)).toEqual(a.WRITERS.map(String));
    expect(copy.READERS.map(String)).toEqual(a.READERS.map(String));
    // The makers are the copy's own functions, so the literals in them are its own.
    for (let arity = 1; arity <= 6; arity++) {
      expect(copy.WRITERS[arity]).not.toBe(a.WRITERS[arity]);
      expect(copy.READERS[arity]).not.toBe(a.READERS[arity]);
    }
    expect([a.WRITERS.length, a.READERS.length]).toEqual([7, 7]);
  }
  expect(STRUCT_SITE_COPIES).toBe(2);
});

test('the first field-name lists of an arity get copies of their own, later ones share the last', () => {
  const lists = Array.from({ length: STRUCT_SITE_COPIES + 2 }, (_, i) => [`x${i}`, `y${i}`, `z${i}`]);
  const copies = lists.map((names) => unrolledFor(names));
  // This file is its own module instance: no other arity-3 list was assigned before these.
  expect(new Set(copies.slice(0, STRUCT_SITE_COPIES)).size).toBe(STRUCT_SITE_COPIES);
  expect(copies[STRUCT_SITE_COPIES].unrolledWriter).toBe(b.unrolledWriter);
  expect(copies[STRUCT_SITE_COPIES + 1].unrolledWriter).toBe(b.unrolledWriter);
  // The same names get the same copy again (the closures fallback of a generated codec and the
  // closures codec of the same schema share sites whose keys are the same anyway).
  expect(unrolledFor([...lists[0]])).toBe(copies[0]);
  expect(unrolledFor(['a', 'b', 'c', 'd', 'e', 'f', 'g']).unrolledWriter).toBe(b.unrolledWriter);
  expect(copies[0].unrolledWriter).toBe(a.unrolledWriter);
});

test('struct types on different copies encode and decode alike', () => {
  const status = withEngine(struct({ statusCode: u32, message: string() }), 'closures');
  const blob = withEngine(struct({ blobId: u32, data: bytes() }), 'closures');
  const many = Array.from({ length: 6 }, (_, i) =>
    withEngine(struct({ [`id${i}`]: u32, [`text${i}`]: string() }), 'closures'),
  );
  const target = new Uint8Array(64);
  expect(status.decode(status.encode({ statusCode: 7, message: 'ok' }))).toEqual({
    statusCode: 7,
    message: 'ok',
  });
  const data = new Uint8Array([1, 2, 3]);
  const n = blob.encodeInto({ blobId: 9, data }, target, 0);
  expect(blob.decode(target.subarray(0, n))).toEqual({ blobId: 9, data });
  many.forEach((codec, i) => {
    const value = { [`id${i}`]: i, [`text${i}`]: `t${i}` };
    expect(codec.decode(codec.encode(value as never))).toEqual(value);
    expect(() => codec.encode({ [`id${i}`]: -1, [`text${i}`]: 'x' } as never)).toThrow(`id${i}`);
  });
});
