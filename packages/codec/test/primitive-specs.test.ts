import { describe, expect, it } from 'vitest';
import { isPrimitiveName, primitiveSpec } from '../src/primitive-specs.js';
import type { PrimitiveName } from '../src/schema-node.js';

// The specs are worked out from the names (no table in the bundle); these are the values they
// must come to, written out by hand: [size, kind, DataView suffix, min, max].
const EXPECTED: Record<PrimitiveName, [number, string, string, number | bigint, number | bigint]> = {
  u8: [1, 'int', 'Uint8', 0, 255],
  i8: [1, 'int', 'Int8', -128, 127],
  bool: [1, 'bool', 'Uint8', 0, 0],
  u16: [2, 'int', 'Uint16', 0, 65535],
  u16le: [2, 'int', 'Uint16', 0, 65535],
  i16: [2, 'int', 'Int16', -32768, 32767],
  i16le: [2, 'int', 'Int16', -32768, 32767],
  u32: [4, 'int', 'Uint32', 0, 4294967295],
  u32le: [4, 'int', 'Uint32', 0, 4294967295],
  i32: [4, 'int', 'Int32', -2147483648, 2147483647],
  i32le: [4, 'int', 'Int32', -2147483648, 2147483647],
  f32: [4, 'float', 'Float32', 0, 0],
  f32le: [4, 'float', 'Float32', 0, 0],
  f64: [8, 'float', 'Float64', 0, 0],
  f64le: [8, 'float', 'Float64', 0, 0],
  u64: [8, 'bigint', 'BigUint64', 0n, 18446744073709551615n],
  u64le: [8, 'bigint', 'BigUint64', 0n, 18446744073709551615n],
  i64: [8, 'bigint', 'BigInt64', -9223372036854775808n, 9223372036854775807n],
  i64le: [8, 'bigint', 'BigInt64', -9223372036854775808n, 9223372036854775807n],
};

describe('primitive specs', () => {
  for (const [name, [size, kind, view, min, max]] of Object.entries(EXPECTED)) {
    it(`${name}: ${size} bytes, ${kind}, ${view}, ${min}..${max}`, () => {
      const spec = primitiveSpec(name as PrimitiveName);
      expect(spec).toEqual({ name, size, littleEndian: name.endsWith('le'), kind, view, min, max });
      expect(primitiveSpec(name as PrimitiveName)).toBe(spec);
      // The DataView method the suffix names exists.
      expect(typeof (DataView.prototype as unknown as Record<string, unknown>)[`get${view}`]).toBe(
        'function',
      );
      expect(isPrimitiveName(name)).toBe(true);
    });
  }

  it('names nothing else a primitive', () => {
    for (const name of [
      '',
      'u',
      'u24',
      'u8le',
      'boolle',
      'f16',
      'i128',
      'U8',
      ' u8',
      'u8 ',
      'u16be',
      'toString',
      '__proto__',
    ]) {
      expect(isPrimitiveName(name), name).toBe(false);
    }
  });
});
