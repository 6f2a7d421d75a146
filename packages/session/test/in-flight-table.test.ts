// The table of requests in flight replaces a Map (src/in-flight-table.ts says why); these check
// that it behaves like one for any sequence of operations, including ids a hostile peer picks.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InFlightTable } from '../src/in-flight-table.js';

type Op = { kind: 'set' | 'delete' | 'get'; id: number } | { kind: 'clear' } | { kind: 'release' };

const u32 = fc.integer({ min: 0, max: 0xffffffff });
// Few distinct ids, so that sets, deletes and gets of the same id meet often.
const ids = fc.oneof(fc.integer({ min: 0, max: 40 }), u32, fc.integer({ min: 0xfffffff0, max: 0xffffffff }));
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({ kind: fc.constantFrom('set', 'delete', 'get'), id: ids }) as fc.Arbitrary<Op>,
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' } as Op) },
  // What a quiet connection does: a no-op unless empty, and the table must work on after it.
  { weight: 2, arbitrary: fc.constant({ kind: 'release' } as Op) },
);

function check(ops: Op[], table: InFlightTable<string>) {
  const model = new Map<number, string>();
  ops.forEach((o, step) => {
    if (o.kind === 'clear') {
      table.clear();
      model.clear();
    } else if (o.kind === 'release') {
      table.release();
    } else if (o.kind === 'set') {
      table.set(o.id, `v${step}`);
      model.set(o.id, `v${step}`);
    } else if (o.kind === 'delete') {
      expect(table.delete(o.id)).toBe(model.delete(o.id));
    } else {
      expect(table.get(o.id)).toBe(model.get(o.id));
      expect(table.has(o.id)).toBe(model.has(o.id));
    }
    expect(table.size).toBe(model.size);
  });
  expect(table.values().sort()).toEqual([...model.values()].sort());
  for (const id of model.keys()) expect(table.get(id)).toBe(model.get(id));
}

describe('InFlightTable', () => {
  test('behaves like a Map for any sequence of set, delete, get, clear and release', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => check(ops, new InFlightTable<string>())),
      { numRuns: 300 },
    );
  });

  test('keeps every entry through growth, with sequential ids as a client sends them', () => {
    const table = new InFlightTable<number>();
    for (let id = 1; id <= 5000; id++) table.set(id, id);
    for (let id = 1; id <= 5000; id += 2) expect(table.delete(id)).toBe(true);
    expect(table.size).toBe(2500);
    for (let id = 1; id <= 5000; id++) expect(table.get(id)).toBe(id % 2 === 0 ? id : undefined);
  });

  test('ids that share their low bits (a peer aiming at one slot) stay distinct and findable', () => {
    const table = new InFlightTable<number>();
    const aimed = Array.from({ length: 1024 }, (_, k) => (k * 1024 + 7) >>> 0);
    for (const id of aimed) table.set(id, id);
    for (const id of aimed) expect(table.get(id)).toBe(id);
    for (const id of aimed.slice(0, 512)) table.delete(id);
    for (const id of aimed) expect(table.get(id)).toBe(id >= 512 * 1024 ? id : undefined);
  });

  test('values() is a copy: deleting while walking it visits every entry once', () => {
    const table = new InFlightTable<number>();
    for (let id = 1; id <= 100; id++) table.set(id, id);
    const seen: number[] = [];
    for (const v of table.values()) {
      seen.push(v);
      table.delete(v);
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, k) => k + 1));
    expect(table.size).toBe(0);
  });
});
