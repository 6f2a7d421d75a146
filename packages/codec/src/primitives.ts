import * as closures from './closure-primitives.js';
import { SchemaCodec } from './codec.js';
import { enablePrimitives } from './engine-closures.js';
import type { PrimitiveName } from './schema-node.js';

/**
 * @internal A primitive codec, bringing the closures engine its writer and reader: an app's
 * bundle holds those of the primitives it uses (each constant below is dropped when unused).
 */
export function primitive<T>(name: PrimitiveName, own: closures.PrimitiveClosures): SchemaCodec<T> {
  enablePrimitives({ [name]: own });
  return new SchemaCodec<T>({ kind: 'prim', name });
}

/** Unsigned 8-bit integer, 1 byte. */
export const u8: SchemaCodec<number> = /* @__PURE__ */ primitive('u8', closures.U8);
/** Signed 8-bit integer (two's complement), 1 byte. */
export const i8: SchemaCodec<number> = /* @__PURE__ */ primitive('i8', closures.I8);
/** Boolean, 1 byte: 0 or 1 (any other byte fails to decode). */
export const bool: SchemaCodec<boolean> = /* @__PURE__ */ primitive('bool', closures.BOOL);
/** Unsigned 16-bit integer, 2 bytes big-endian. */
export const u16: SchemaCodec<number> = /* @__PURE__ */ primitive('u16', closures.U16);
/** Signed 16-bit integer, 2 bytes big-endian. */
export const i16: SchemaCodec<number> = /* @__PURE__ */ primitive('i16', closures.I16);
/** Unsigned 32-bit integer, 4 bytes big-endian. */
export const u32: SchemaCodec<number> = /* @__PURE__ */ primitive('u32', closures.U32);
/** Signed 32-bit integer, 4 bytes big-endian. */
export const i32: SchemaCodec<number> = /* @__PURE__ */ primitive('i32', closures.I32);
/** IEEE 754 single-precision float, 4 bytes big-endian. Finite values too large for it are refused. */
export const f32: SchemaCodec<number> = /* @__PURE__ */ primitive('f32', closures.F32);
/** IEEE 754 double-precision float, 8 bytes big-endian. */
export const f64: SchemaCodec<number> = /* @__PURE__ */ primitive('f64', closures.F64);
/** Unsigned 64-bit integer as a bigint, 8 bytes big-endian. */
export const u64: SchemaCodec<bigint> = /* @__PURE__ */ primitive('u64', closures.U64);
/** Signed 64-bit integer as a bigint, 8 bytes big-endian. */
export const i64: SchemaCodec<bigint> = /* @__PURE__ */ primitive('i64', closures.I64);
/** Unsigned 16-bit integer, 2 bytes little-endian. */
export const u16le: SchemaCodec<number> = /* @__PURE__ */ primitive('u16le', closures.U16LE);
/** Signed 16-bit integer, 2 bytes little-endian. */
export const i16le: SchemaCodec<number> = /* @__PURE__ */ primitive('i16le', closures.I16LE);
/** Unsigned 32-bit integer, 4 bytes little-endian. */
export const u32le: SchemaCodec<number> = /* @__PURE__ */ primitive('u32le', closures.U32LE);
/** Signed 32-bit integer, 4 bytes little-endian. */
export const i32le: SchemaCodec<number> = /* @__PURE__ */ primitive('i32le', closures.I32LE);
/** IEEE 754 single-precision float, 4 bytes little-endian. */
export const f32le: SchemaCodec<number> = /* @__PURE__ */ primitive('f32le', closures.F32LE);
/** IEEE 754 double-precision float, 8 bytes little-endian. */
export const f64le: SchemaCodec<number> = /* @__PURE__ */ primitive('f64le', closures.F64LE);
/** Unsigned 64-bit integer as a bigint, 8 bytes little-endian. */
export const u64le: SchemaCodec<bigint> = /* @__PURE__ */ primitive('u64le', closures.U64LE);
/** Signed 64-bit integer as a bigint, 8 bytes little-endian. */
export const i64le: SchemaCodec<bigint> = /* @__PURE__ */ primitive('i64le', closures.I64LE);
