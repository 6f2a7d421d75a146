import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { canonicalJson } from '../src/wire/index.js';

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { maxDepth: 4 },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.string(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, seed));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  entries.sort(
    (a, b) => ((a[0].length * 31 + seed) % 7) - ((b[0].length * 31 + seed) % 7) || (seed % 2 ? 1 : -1),
  );
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, seed + 1)]));
}

describe('canonicalJson', () => {
  test('sorted keys, no whitespace, JSON.stringify escaping', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x"\n\u0001é'], c: { z: -0, y: -7 } })).toBe(
      '{"a":[true,null,"x\\"\\n\\u0001é"],"b":1,"c":{"y":-7,"z":0}}',
    );
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  test('parses back to the same value and does not depend on key order', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 100 }), (value, seed) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(shuffleKeys(value, seed))).toBe(text);
        expect(text).not.toMatch(/^\s|\s$/);
      }),
      { numRuns: 200 },
    );
  });

  test('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(Symbol('x'))).toThrow(TypeError);
  });
});
