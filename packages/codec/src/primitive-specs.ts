import type { PrimitiveName } from './schema-node.js';

/** How each primitive is read, written and range-checked. */
export interface PrimitiveSpec {
  readonly name: PrimitiveName;
  readonly size: number;
  readonly littleEndian: boolean;
  readonly kind: 'int' | 'float' | 'bigint' | 'bool';
  /** Inclusive range for 'int' and 'bigint'. */
  readonly min: number | bigint;
  readonly max: number | bigint;
  /** DataView method suffix: `Uint16` for getUint16/setUint16. */
  readonly view: string;
}

function spec(
  name: PrimitiveName,
  size: number,
  kind: PrimitiveSpec['kind'],
  view: string,
  min: number | bigint = 0,
  max: number | bigint = 0,
): PrimitiveSpec {
  return { name, size, littleEndian: name.endsWith('le'), kind, view, min, max };
}

export const PRIMITIVE_SPECS: Readonly<Record<PrimitiveName, PrimitiveSpec>> = {
  u8: spec('u8', 1, 'int', 'Uint8', 0, 0xff),
  i8: spec('i8', 1, 'int', 'Int8', -0x80, 0x7f),
  bool: spec('bool', 1, 'bool', 'Uint8'),
  u16: spec('u16', 2, 'int', 'Uint16', 0, 0xffff),
  u16le: spec('u16le', 2, 'int', 'Uint16', 0, 0xffff),
  i16: spec('i16', 2, 'int', 'Int16', -0x8000, 0x7fff),
  i16le: spec('i16le', 2, 'int', 'Int16', -0x8000, 0x7fff),
  u32: spec('u32', 4, 'int', 'Uint32', 0, 0xffffffff),
  u32le: spec('u32le', 4, 'int', 'Uint32', 0, 0xffffffff),
  i32: spec('i32', 4, 'int', 'Int32', -0x80000000, 0x7fffffff),
  i32le: spec('i32le', 4, 'int', 'Int32', -0x80000000, 0x7fffffff),
  f32: spec('f32', 4, 'float', 'Float32'),
  f32le: spec('f32le', 4, 'float', 'Float32'),
  f64: spec('f64', 8, 'float', 'Float64'),
  f64le: spec('f64le', 8, 'float', 'Float64'),
  u64: spec('u64', 8, 'bigint', 'BigUint64', 0n, 0xffffffffffffffffn),
  u64le: spec('u64le', 8, 'bigint', 'BigUint64', 0n, 0xffffffffffffffffn),
  i64: spec('i64', 8, 'bigint', 'BigInt64', -0x8000000000000000n, 0x7fffffffffffffffn),
  i64le: spec('i64le', 8, 'bigint', 'BigInt64', -0x8000000000000000n, 0x7fffffffffffffffn),
};

/**
 * Smallest magnitude that rounds to Infinity as a float32 (FLT_MAX plus half an ulp). Like Python's
 * struct, a finite number at or beyond it is refused rather than silently becoming Infinity.
 */
export const F32_OVERFLOW = 3.4028235677973366e38;

/**
 * `F32_OVERFLOW` squared (a finite double). For a run of f32 fields the compiled encoders check
 * `!(a * a + b * b + ... < F32_OVERFLOW_SQUARED)` once instead of two comparisons per field: any
 * value at or past the overflow point makes the sum reach it (squaring, adding and rounding are
 * monotonic), and so do NaN and Infinity (valid values, sent to the exact per-field check, which
 * lets them through). Measured on SENSOR encodeInto: ~2 ns of ~9 (bench/FINDINGS.md).
 */
export const F32_OVERFLOW_SQUARED = F32_OVERFLOW * F32_OVERFLOW;

/** True when `v` is a valid JavaScript value for the primitive. */
export function isValidPrimitive(spec: PrimitiveSpec, v: unknown): boolean {
  switch (spec.kind) {
    case 'int':
      return (
        typeof v === 'number' && Number.isInteger(v) && v >= (spec.min as number) && v <= (spec.max as number)
      );
    case 'float':
      return (
        typeof v === 'number' &&
        (spec.size === 8 || !(v >= F32_OVERFLOW || v <= -F32_OVERFLOW) || v === Infinity || v === -Infinity)
      );
    case 'bigint':
      return typeof v === 'bigint' && v >= (spec.min as bigint) && v <= (spec.max as bigint);
    case 'bool':
      return v === true || v === false;
  }
}

/** A JavaScript expression (for generated code) that is true when `x` is NOT a valid value. */
export function invalidPrimitiveExpr(spec: PrimitiveSpec, x: string): string {
  switch (spec.name) {
    case 'u8':
      return `(${x} & 255) !== ${x}`;
    case 'i8':
      return `(${x} << 24 >> 24) !== ${x}`;
    case 'u16':
    case 'u16le':
      return `(${x} & 65535) !== ${x}`;
    case 'i16':
    case 'i16le':
      return `(${x} << 16 >> 16) !== ${x}`;
    case 'u32':
    case 'u32le':
      return `(${x} >>> 0) !== ${x}`;
    case 'i32':
    case 'i32le':
      return `(${x} | 0) !== ${x}`;
    case 'f32':
    case 'f32le':
      return `(typeof ${x} !== 'number' || ((${x} >= ${F32_OVERFLOW} || ${x} <= -${F32_OVERFLOW}) && ${x} !== Infinity && ${x} !== -Infinity))`;
    case 'f64':
    case 'f64le':
      return `typeof ${x} !== 'number'`;
    case 'u64':
    case 'u64le':
      return `(typeof ${x} !== 'bigint' || ${x} < 0n || ${x} > 0xffffffffffffffffn)`;
    case 'i64':
    case 'i64le':
      return `(typeof ${x} !== 'bigint' || ${x} < -0x8000000000000000n || ${x} > 0x7fffffffffffffffn)`;
    case 'bool':
      return `(${x} !== true && ${x} !== false)`;
  }
}
