import { SchemaCodec } from './codec.js';
import type { PrimitiveName } from './schema-node.js';

/** @internal */
export function primitive<T>(name: PrimitiveName): SchemaCodec<T> {
  return new SchemaCodec<T>({ kind: 'prim', name });
}

/** Unsigned 8-bit integer, 1 byte. */
export const u8: SchemaCodec<number> = /* @__PURE__ */ primitive('u8');
/** Signed 8-bit integer (two's complement), 1 byte. */
export const i8: SchemaCodec<number> = /* @__PURE__ */ primitive('i8');
/** Boolean, 1 byte: 0 or 1 (any other byte fails to decode). */
export const bool: SchemaCodec<boolean> = /* @__PURE__ */ primitive('bool');
/** Unsigned 16-bit integer, 2 bytes big-endian. */
export const u16: SchemaCodec<number> = /* @__PURE__ */ primitive('u16');
/** Signed 16-bit integer, 2 bytes big-endian. */
export const i16: SchemaCodec<number> = /* @__PURE__ */ primitive('i16');
/** Unsigned 32-bit integer, 4 bytes big-endian. */
export const u32: SchemaCodec<number> = /* @__PURE__ */ primitive('u32');
/** Signed 32-bit integer, 4 bytes big-endian. */
export const i32: SchemaCodec<number> = /* @__PURE__ */ primitive('i32');
/** IEEE 754 single-precision float, 4 bytes big-endian. Finite values too large for it are refused. */
export const f32: SchemaCodec<number> = /* @__PURE__ */ primitive('f32');
/** IEEE 754 double-precision float, 8 bytes big-endian. */
export const f64: SchemaCodec<number> = /* @__PURE__ */ primitive('f64');
/** Unsigned 64-bit integer as a bigint, 8 bytes big-endian. */
export const u64: SchemaCodec<bigint> = /* @__PURE__ */ primitive('u64');
/** Signed 64-bit integer as a bigint, 8 bytes big-endian. */
export const i64: SchemaCodec<bigint> = /* @__PURE__ */ primitive('i64');
/** Unsigned 16-bit integer, 2 bytes little-endian. */
export const u16le: SchemaCodec<number> = /* @__PURE__ */ primitive('u16le');
/** Signed 16-bit integer, 2 bytes little-endian. */
export const i16le: SchemaCodec<number> = /* @__PURE__ */ primitive('i16le');
/** Unsigned 32-bit integer, 4 bytes little-endian. */
export const u32le: SchemaCodec<number> = /* @__PURE__ */ primitive('u32le');
/** Signed 32-bit integer, 4 bytes little-endian. */
export const i32le: SchemaCodec<number> = /* @__PURE__ */ primitive('i32le');
/** IEEE 754 single-precision float, 4 bytes little-endian. */
export const f32le: SchemaCodec<number> = /* @__PURE__ */ primitive('f32le');
/** IEEE 754 double-precision float, 8 bytes little-endian. */
export const f64le: SchemaCodec<number> = /* @__PURE__ */ primitive('f64le');
/** Unsigned 64-bit integer as a bigint, 8 bytes little-endian. */
export const u64le: SchemaCodec<bigint> = /* @__PURE__ */ primitive('u64le');
/** Signed 64-bit integer as a bigint, 8 bytes little-endian. */
export const i64le: SchemaCodec<bigint> = /* @__PURE__ */ primitive('i64le');
