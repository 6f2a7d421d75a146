/**
 * Reading numbers from the bytes of a Uint8Array, without a DataView. Decoders used a DataView
 * over the source's ArrayBuffer, which meant reading `source.buffer` on every call (a getter
 * TurboFan does not inline for typed arrays that may be on the heap) and making a DataView for
 * every new buffer (one message per buffer, as WebSocket messages arrive, missed the one-entry
 * cache every time). Measured on SENSOR decode (4 x f32), same process: DataView 32 ns from one
 * receive buffer and 84 ns from one buffer per message; assembling the bytes 16 ns either way
 * (bench/FINDINGS.md). Floats and 64-bit integers go through one shared 8-byte scratch buffer,
 * whose words hold the value in the platform's byte order: a 32-bit word written as a number
 * reads back as the same bits on any platform, and `HI`/`LO` place the two words of a 64-bit one.
 */
import type { PrimitiveName } from './schema-node.js';

const scratch = new ArrayBuffer(8);
/** The scratch as two 32-bit words (word 0 is the one `F32` reads). */
export const U32: Uint32Array = /* @__PURE__ */ new Uint32Array(scratch);
export const F32: Float32Array = /* @__PURE__ */ new Float32Array(scratch, 0, 1);
export const F64: Float64Array = /* @__PURE__ */ new Float64Array(scratch);
export const U64: BigUint64Array = /* @__PURE__ */ new BigUint64Array(scratch);
export const I64: BigInt64Array = /* @__PURE__ */ new BigInt64Array(scratch);
/** Index in `U32` of the high word of a 64-bit value: 1 on little-endian platforms. */
export const HI: number = /* @__PURE__ */ new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
/** Index in `U32` of the low word. */
export const LO: number = 1 - HI;

/** The byte at `at + k` of source `s` (generated code). */
const b = (s: string, at: string, k: number) => (k === 0 ? `${s}[${at}]` : `${s}[${at} + ${k}]`);

/** A signed 32-bit big-endian word at `at` (generated code). */
function be32(s: string, at: string, k = 0): string {
  return `((${b(s, at, k)} << 24) | (${b(s, at, k + 1)} << 16) | (${b(s, at, k + 2)} << 8) | ${b(s, at, k + 3)})`;
}

/** A signed 32-bit little-endian word at `at` (generated code). */
function le32(s: string, at: string, k = 0): string {
  return `(${b(s, at, k)} | (${b(s, at, k + 1)} << 8) | (${b(s, at, k + 2)} << 16) | (${b(s, at, k + 3)} << 24))`;
}

/**
 * A JavaScript expression reading primitive `name` from Uint8Array `s` at position `at` (both
 * expressions; `at` must be side-effect free). Uses the globals-free names `U32`, `F32`, `F64`,
 * `U64`, `I64` for the scratch arrays: the generated function must receive them under these names.
 * Not for `bool` (its byte is checked by the caller).
 */
export function readExpr(name: Exclude<PrimitiveName, 'bool'>, s: string, at: string): string {
  switch (name) {
    case 'u8':
      return b(s, at, 0);
    case 'i8':
      return `((${b(s, at, 0)} << 24) >> 24)`;
    case 'u16':
      return `((${b(s, at, 0)} << 8) | ${b(s, at, 1)})`;
    case 'u16le':
      return `(${b(s, at, 0)} | (${b(s, at, 1)} << 8))`;
    case 'i16':
      return `(((${b(s, at, 0)} << 24) >> 16) | ${b(s, at, 1)})`;
    case 'i16le':
      return `(((${b(s, at, 1)} << 24) >> 16) | ${b(s, at, 0)})`;
    case 'u32':
      return `(${be32(s, at)} >>> 0)`;
    case 'u32le':
      return `(${le32(s, at)} >>> 0)`;
    case 'i32':
      return be32(s, at);
    case 'i32le':
      return le32(s, at);
    case 'f32':
      return `(U32[0] = ${be32(s, at)}, F32[0])`;
    case 'f32le':
      return `(U32[0] = ${le32(s, at)}, F32[0])`;
    case 'f64':
    case 'u64':
    case 'i64': {
      const out = name === 'f64' ? 'F64' : name === 'u64' ? 'U64' : 'I64';
      return `(U32[${HI}] = ${be32(s, at)}, U32[${LO}] = ${be32(s, at, 4)}, ${out}[0])`;
    }
    case 'f64le':
    case 'u64le':
    case 'i64le': {
      const out = name === 'f64le' ? 'F64' : name === 'u64le' ? 'U64' : 'I64';
      return `(U32[${HI}] = ${le32(s, at, 4)}, U32[${LO}] = ${le32(s, at)}, ${out}[0])`;
    }
  }
}

// The same reads as functions, for the closures engine: one function per primitive, so each call
// site that uses one sees a single target and inlines it.
export const readI8 = (u: Uint8Array, p: number): number => (u[p] << 24) >> 24;
export const readU16 = (u: Uint8Array, p: number): number => (u[p] << 8) | u[p + 1];
export const readU16le = (u: Uint8Array, p: number): number => u[p] | (u[p + 1] << 8);
export const readI16 = (u: Uint8Array, p: number): number => ((u[p] << 24) >> 16) | u[p + 1];
export const readI16le = (u: Uint8Array, p: number): number => ((u[p + 1] << 24) >> 16) | u[p];
export const readI32 = (u: Uint8Array, p: number): number =>
  (u[p] << 24) | (u[p + 1] << 16) | (u[p + 2] << 8) | u[p + 3];
export const readI32le = (u: Uint8Array, p: number): number =>
  u[p] | (u[p + 1] << 8) | (u[p + 2] << 16) | (u[p + 3] << 24);
export const readU32 = (u: Uint8Array, p: number): number =>
  ((u[p] << 24) | (u[p + 1] << 16) | (u[p + 2] << 8) | u[p + 3]) >>> 0;
export const readU32le = (u: Uint8Array, p: number): number =>
  (u[p] | (u[p + 1] << 8) | (u[p + 2] << 16) | (u[p + 3] << 24)) >>> 0;
export const readF32 = (u: Uint8Array, p: number): number => {
  U32[0] = (u[p] << 24) | (u[p + 1] << 16) | (u[p + 2] << 8) | u[p + 3];
  return F32[0];
};
export const readF32le = (u: Uint8Array, p: number): number => {
  U32[0] = u[p] | (u[p + 1] << 8) | (u[p + 2] << 16) | (u[p + 3] << 24);
  return F32[0];
};
/** Loads the 8 bytes at `p` into the scratch words (big-endian or little-endian on the wire). */
function load64(u: Uint8Array, p: number, littleEndian: boolean): void {
  const a = (u[p] << 24) | (u[p + 1] << 16) | (u[p + 2] << 8) | u[p + 3];
  const b = (u[p + 4] << 24) | (u[p + 5] << 16) | (u[p + 6] << 8) | u[p + 7];
  if (littleEndian) {
    // Bytes reversed: the word at p + 4 is the high one.
    U32[HI] = ((b & 0xff) << 24) | ((b & 0xff00) << 8) | ((b >>> 8) & 0xff00) | (b >>> 24);
    U32[LO] = ((a & 0xff) << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24);
  } else {
    U32[HI] = a;
    U32[LO] = b;
  }
}
export const readF64 = (u: Uint8Array, p: number): number => {
  load64(u, p, false);
  return F64[0];
};
export const readF64le = (u: Uint8Array, p: number): number => {
  load64(u, p, true);
  return F64[0];
};
export const readU64 = (u: Uint8Array, p: number): bigint => {
  load64(u, p, false);
  return U64[0];
};
export const readU64le = (u: Uint8Array, p: number): bigint => {
  load64(u, p, true);
  return U64[0];
};
export const readI64 = (u: Uint8Array, p: number): bigint => {
  load64(u, p, false);
  return I64[0];
};
export const readI64le = (u: Uint8Array, p: number): bigint => {
  load64(u, p, true);
  return I64[0];
};

/** Reads a primitive's wire value (enum and union tags, length prefixes). */
export const READ: Record<PrimitiveName, (u: Uint8Array, p: number) => number | bigint> = {
  u8: (u, p) => u[p],
  i8: readI8,
  bool: (u, p) => u[p],
  u16: readU16,
  u16le: readU16le,
  i16: readI16,
  i16le: readI16le,
  u32: readU32,
  u32le: readU32le,
  i32: readI32,
  i32le: readI32le,
  f32: readF32,
  f32le: readF32le,
  f64: readF64,
  f64le: readF64le,
  u64: readU64,
  u64le: readU64le,
  i64: readI64,
  i64le: readI64le,
};
