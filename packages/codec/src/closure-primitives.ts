/**
 * The closures engine's writer and reader of each primitive, one object per primitive: a bundle
 * holds those of the primitives its app makes (each primitive codec enables its own, see
 * primitives.ts), not all nineteen. Each is its own function literal, so that each gets its own
 * type feedback in V8 and its checks and DataView calls are inlined; one generic literal would be
 * megamorphic across types. Readers assemble the bytes (byte-reads.ts) instead of going through
 * a DataView: no `source.buffer` per decode and no DataView per new buffer.
 */
import {
  readF32,
  readF32le,
  readF64,
  readF64le,
  readI8,
  readI16,
  readI16le,
  readI32,
  readI32le,
  readI64,
  readI64le,
  readU16,
  readU16le,
  readU32,
  readU32le,
  readU64,
  readU64le,
} from './byte-reads.js';
import type { Reader, Writer } from './closure-types.js';
import { F32_OVERFLOW } from './primitive-specs.js';
import type { PrimitiveName } from './schema-node.js';
import { unrolledF32Writer } from './struct-unrolled.js';

/** Throws the error for a value a writer refuses. */
export type Fail = (v: unknown) => never;
/** Throws the error for a byte a reader refuses (a bool that is not 0 or 1). */
export type Bad = (byte: number, at: number) => never;

/** How the closures engine writes and reads one primitive, given how to fail. */
export interface PrimitiveClosures {
  readonly write: (fail: Fail) => Writer;
  readonly read: (bad: Bad) => Reader;
  /**
   * The writer of a struct whose fields are all f32 or f32le (f32 and f32le only): it comes with
   * them, so an app without floats does not bundle it.
   */
  readonly f32Struct?: typeof unrolledF32Writer;
}

const F32_MAX = F32_OVERFLOW;

export const U8: PrimitiveClosures = {
  write: (fail) => (v, t, _dv, p) => {
    if ((v & 0xff) !== v) fail(v);
    t[p] = v;
    return p + 1;
  },
  read: () => (s) => s.u8[s.p++],
};

export const I8: PrimitiveClosures = {
  write: (fail) => (v, t, _dv, p) => {
    if ((v << 24) >> 24 !== v) fail(v);
    t[p] = v;
    return p + 1;
  },
  read: () => (s) => readI8(s.u8, s.p++),
};

export const BOOL: PrimitiveClosures = {
  write: (fail) => (v, t, _dv, p) => {
    if (v !== true && v !== false) fail(v);
    t[p] = v ? 1 : 0;
    return p + 1;
  },
  read: (bad) => (s) => {
    const b = s.u8[s.p];
    if (b > 1) bad(b, s.p);
    s.p++;
    return b === 1;
  },
};

export const U16: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if ((v & 0xffff) !== v) fail(v);
    dv.setUint16(p, v);
    return p + 2;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 2;
    return readU16(s.u8, p);
  },
};

export const U16LE: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if ((v & 0xffff) !== v) fail(v);
    dv.setUint16(p, v, true);
    return p + 2;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 2;
    return readU16le(s.u8, p);
  },
};

export const I16: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if ((v << 16) >> 16 !== v) fail(v);
    dv.setInt16(p, v);
    return p + 2;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 2;
    return readI16(s.u8, p);
  },
};

export const I16LE: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if ((v << 16) >> 16 !== v) fail(v);
    dv.setInt16(p, v, true);
    return p + 2;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 2;
    return readI16le(s.u8, p);
  },
};

export const U32: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if (v >>> 0 !== v) fail(v);
    dv.setUint32(p, v);
    return p + 4;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 4;
    return readU32(s.u8, p);
  },
};

export const U32LE: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if (v >>> 0 !== v) fail(v);
    dv.setUint32(p, v, true);
    return p + 4;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 4;
    return readU32le(s.u8, p);
  },
};

export const I32: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if ((v | 0) !== v) fail(v);
    dv.setInt32(p, v);
    return p + 4;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 4;
    return readI32(s.u8, p);
  },
};

export const I32LE: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if ((v | 0) !== v) fail(v);
    dv.setInt32(p, v, true);
    return p + 4;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 4;
    return readI32le(s.u8, p);
  },
};

export const F32: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if (
      typeof v !== 'number' ||
      (!(v < F32_MAX && v > -F32_MAX) && !Number.isNaN(v) && v !== Infinity && v !== -Infinity)
    ) {
      fail(v);
    }
    dv.setFloat32(p, v);
    return p + 4;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 4;
    return readF32(s.u8, p);
  },
  f32Struct: unrolledF32Writer,
};

export const F32LE: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if (
      typeof v !== 'number' ||
      (!(v < F32_MAX && v > -F32_MAX) && !Number.isNaN(v) && v !== Infinity && v !== -Infinity)
    ) {
      fail(v);
    }
    dv.setFloat32(p, v, true);
    return p + 4;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 4;
    return readF32le(s.u8, p);
  },
  f32Struct: unrolledF32Writer,
};

export const F64: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if (typeof v !== 'number') fail(v);
    dv.setFloat64(p, v);
    return p + 8;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 8;
    return readF64(s.u8, p);
  },
};

export const F64LE: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if (typeof v !== 'number') fail(v);
    dv.setFloat64(p, v, true);
    return p + 8;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 8;
    return readF64le(s.u8, p);
  },
};

export const U64: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) fail(v);
    dv.setBigUint64(p, v);
    return p + 8;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 8;
    return readU64(s.u8, p);
  },
};

export const U64LE: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) fail(v);
    dv.setBigUint64(p, v, true);
    return p + 8;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 8;
    return readU64le(s.u8, p);
  },
};

export const I64: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if (typeof v !== 'bigint' || v < -0x8000000000000000n || v > 0x7fffffffffffffffn) fail(v);
    dv.setBigInt64(p, v);
    return p + 8;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 8;
    return readI64(s.u8, p);
  },
};

export const I64LE: PrimitiveClosures = {
  write: (fail) => (v, _t, dv, p) => {
    if (typeof v !== 'bigint' || v < -0x8000000000000000n || v > 0x7fffffffffffffffn) fail(v);
    dv.setBigInt64(p, v, true);
    return p + 8;
  },
  read: () => (s) => {
    const p = s.p;
    s.p = p + 8;
    return readI64le(s.u8, p);
  },
};

/** The integer primitives: what a header format or an integer Python format code may name. */
export const INTEGER_PRIMITIVES: Readonly<Partial<Record<PrimitiveName, PrimitiveClosures>>> = {
  u8: U8,
  i8: I8,
  u16: U16,
  u16le: U16LE,
  i16: I16,
  i16le: I16LE,
  u32: U32,
  u32le: U32LE,
  i32: I32,
  i32le: I32LE,
};

/** Every primitive: for schemas any of them may be in (a peer's descriptor, Python field formats). */
export const ALL_PRIMITIVES: Readonly<Record<PrimitiveName, PrimitiveClosures>> = {
  u8: U8,
  i8: I8,
  bool: BOOL,
  u16: U16,
  u16le: U16LE,
  i16: I16,
  i16le: I16LE,
  u32: U32,
  u32le: U32LE,
  i32: I32,
  i32le: I32LE,
  f32: F32,
  f32le: F32LE,
  f64: F64,
  f64le: F64LE,
  u64: U64,
  u64le: U64LE,
  i64: I64,
  i64le: I64LE,
};
