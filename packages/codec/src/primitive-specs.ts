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

/**
 * The spec of each primitive, worked out from its name the first time it is asked for: a table of
 * all nineteen would be in every bundle, including those of apps that use two of them.
 */
const specs: Partial<Record<PrimitiveName, PrimitiveSpec>> = {};

/** How the primitive `name` is read, written and range-checked. */
export function primitiveSpec(name: PrimitiveName): PrimitiveSpec {
  return (specs[name] ??= specFor(name));
}

/** True when `name` names a primitive (`u8`, `i16le`, `f64`, `bool`, ...). */
export function isPrimitiveName(name: string): name is PrimitiveName {
  return /^(?:u8|i8|bool|[ui](?:16|32|64)(?:le)?|f(?:32|64)(?:le)?)$/.test(name);
}

function specFor(name: PrimitiveName): PrimitiveSpec {
  const littleEndian = name.endsWith('le');
  if (name === 'bool') return { name, size: 1, littleEndian, kind: 'bool', view: 'Uint8', min: 0, max: 0 };
  const bits = Number.parseInt(name.slice(1), 10);
  const size = bits / 8;
  const signed = name[0] === 'i';
  if (name[0] === 'f')
    return { name, size, littleEndian, kind: 'float', view: `Float${bits}`, min: 0, max: 0 };
  const view = `${bits === 64 ? 'Big' : ''}${signed ? 'Int' : 'Uint'}${bits}`;
  if (bits === 64) {
    const min = signed ? -(1n << 63n) : 0n;
    return {
      name,
      size,
      littleEndian,
      kind: 'bigint',
      view,
      min,
      max: (signed ? 1n << 63n : 1n << 64n) - 1n,
    };
  }
  const min = signed ? -(2 ** (bits - 1)) : 0;
  return {
    name,
    size,
    littleEndian,
    kind: 'int',
    view,
    min,
    max: (signed ? 2 ** (bits - 1) : 2 ** bits) - 1,
  };
}

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
