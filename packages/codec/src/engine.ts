import type { DecodeLimits } from './decode-limits.js';
import type { SchemaNode } from './schema-node.js';

/**
 * How a codec runs:
 * - `generated`: straight-line JavaScript built with `new Function` (fastest; needs `eval` to be
 *   allowed, so never the default in browsers).
 * - `closures`: the schema compiled into specialised closures; no `eval`, safe under any CSP.
 * - `interpreted`: a plain walk over the schema; the reference the other two are tested against.
 */
export type EngineName = 'generated' | 'closures' | 'interpreted';

/** Result of {@link Codec.decodeFrom}: the value and the offset just after it. */
export interface DecodeResult<T> {
  value: T;
  offset: number;
}

/** The functions an engine builds for one schema. */
export interface CompiledCodec {
  readonly fixedSize: number | undefined;
  encodeInto(value: unknown, target: Uint8Array, offset?: number): number;
  byteLength(value: unknown): number;
  decode(source: Uint8Array, offset?: number, limits?: DecodeLimits): unknown;
  decodeFrom(source: Uint8Array, offset: number, end: number, limits?: DecodeLimits): DecodeResult<unknown>;
  /** Only for fixed-size structs: decodes into an existing object. */
  decodeInto: ((source: Uint8Array, offset: number, target: unknown) => unknown) | undefined;
}

/** @internal How a codec asks its engine to compile. */
export interface CompileOptions {
  /** See `trustedInput()`: engines that have no unchecked encoder ignore it. */
  readonly trustedInput?: boolean;
}

/** Compiles a schema node with one engine. */
export type EngineCompiler = (node: SchemaNode, options?: CompileOptions) => CompiledCodec;
