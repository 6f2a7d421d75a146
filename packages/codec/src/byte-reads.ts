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
