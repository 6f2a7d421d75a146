import type { DecodeLimits } from './decode-limits.js';
import type { CompileOptions, DecodeResult, EngineName } from './engine.js';
import { compileNode, getDefaultEngine } from './engine-registry.js';
import { isEncodeError } from './errors.js';
import { describeNode, type SchemaDescriptor, type SchemaNode } from './schema-node.js';
import { encodeToSlab, LARGE } from './slab.js';

/** @internal Where a codec keeps its schema node. */
export const NODE: unique symbol = Symbol.for('@bp/codec:node') as never;

/**
 * A binary codec for values of type `T`. Every field type and every struct is one.
 * Multi-byte numbers are big-endian unless the type name ends in `le`.
 */
export interface Codec<T> {
  /** Bytes every value takes when that is the same for all values, else undefined. */
  readonly fixedSize: number | undefined;
  /** The engine this codec was compiled with. */
  readonly engine: EngineName;
  /** True for a codec made by {@link trustedInput} whose engine left the value checks out. */
  readonly trustedInput: boolean;
  /**
   * Encodes into an array of exactly the value's size. Like Node's Buffer pool, small results are
   * views into a shared 64 KiB slab: the bytes are yours, but `.buffer` is the slab, so use
   * `.slice()` before transferring the buffer or when you need `byteOffset` 0.
   */
  encode(value: T): Uint8Array;
  /**
   * Encodes into `target` at `offset` and returns the bytes written. Allocates nothing (strings of
   * up to 64 UTF-16 units included). Throws {@link EncodeError} when the value does not fit its
   * type or the target has no room; bytes of `target` after `offset` may then have been written.
   */
  encodeInto(value: T, target: Uint8Array, offset?: number): number;
  /**
   * Decodes one value starting at `offset`; bytes after it are ignored. `bytes` fields are views
   * into `source` unless declared with `copy: true`. Throws only {@link DecodeError}.
   */
  decode(source: Uint8Array, offset?: number, limits?: DecodeLimits): T;
  /**
   * Decodes one value from `source[offset..end)` and returns it with the offset just after it.
   * Each call returns a new result object (it used to be reused by the next call).
   */
  decodeFrom(source: Uint8Array, offset: number, end: number, limits?: DecodeLimits): DecodeResult<T>;
  /** Encoded size of `value` in bytes, computed without allocating. */
  byteLength(value: T): number;
  /**
   * Encodes the values one after another into `target` from `offset`, allocating nothing, and
   * returns the bytes written.
   */
  encodeBatchInto(values: readonly T[], target: Uint8Array, offset?: number): number;
  /** Canonical JSON-able description of the schema (what fingerprints are computed from). */
  describe(): SchemaDescriptor;
}

/** The value type of a codec: `Infer<typeof SensorData>`. */
export type Infer<C> = C extends Codec<infer T> ? T : never;

/** Flattens an intersection for readable hover types. */
export type Prettify<T> = { [K in keyof T]: T[K] } & {};

/** Options every codec factory accepts. */
export interface CodecOptions {
  /** Engine to compile with; defaults to {@link getDefaultEngine}. */
  engine?: EngineName;
}

/** @internal The one class behind every codec: compiled functions plus the schema they came from. */
export class SchemaCodec<T> implements Codec<T> {
  declare readonly [NODE]: SchemaNode;
  readonly fixedSize: number | undefined;
  readonly engine: EngineName;
  readonly trustedInput: boolean;
  readonly encodeInto: (value: T, target: Uint8Array, offset?: number) => number;
  readonly decode: (source: Uint8Array, offset?: number, limits?: DecodeLimits) => T;
  readonly decodeFrom: (
    source: Uint8Array,
    offset: number,
    end: number,
    limits?: DecodeLimits,
  ) => DecodeResult<T>;
  readonly byteLength: (value: T) => number;
  /** @internal Slab hint of encode(): the last value was too large for it. */
  [LARGE] = false;
  /** @internal */
  protected readonly decodeIntoFn:
    | ((source: Uint8Array, offset: number, target: unknown) => unknown)
    | undefined;

  constructor(node: SchemaNode, engine?: EngineName, options?: CompileOptions) {
    Object.defineProperty(this, NODE, { value: node, enumerable: false });
    this.engine = engine ?? getDefaultEngine();
    const compiled = compileNode(node, this.engine, options);
    this.trustedInput = options?.trustedInput === true && this.engine === 'generated';
    this.fixedSize = compiled.fixedSize;
    this.encodeInto = compiled.encodeInto as never;
    this.decode = compiled.decode as never;
    this.decodeFrom = compiled.decodeFrom as never;
    this.byteLength = compiled.byteLength as never;
    this.decodeIntoFn = compiled.decodeInto;
  }

  encode(value: T): Uint8Array {
    return encodeToSlab(this, value);
  }

  encodeBatchInto(values: readonly T[], target: Uint8Array, offset = 0): number {
    let p = offset;
    let i = 0;
    try {
      for (; i < values.length; i++) p += this.encodeInto(values[i], target, p);
    } catch (e) {
      if (isEncodeError(e)) {
        e.path = e.path === '' ? `[${i}]` : `[${i}].${e.path}`;
        e.message = `${e.path}: ${e.detail}`;
      }
      throw e;
    }
    return p - offset;
  }

  describe(): SchemaDescriptor {
    return describeNode(this[NODE]);
  }
}

/** @internal The schema node of a codec, or a TypeError for something that is not one of ours. */
export function nodeOf(codec: unknown, where: string): SchemaNode {
  const node = (codec as { [NODE]?: SchemaNode } | null | undefined)?.[NODE];
  if (node === undefined)
    throw new TypeError(`${where}: expected a codec from @bp/codec, got ${typeof codec}`);
  return node;
}

/**
 * The same codec compiled with another engine: identical bytes, different speed. Use it to compare
 * engines or to force `interpreted` or `closures` for one codec.
 */
/* @__NO_SIDE_EFFECTS__ */
export function withEngine<C extends Codec<any>>(codec: C, engine: EngineName): C {
  const node = nodeOf(codec, 'withEngine');
  const copy = Object.create(Object.getPrototypeOf(codec)) as C;
  Object.assign(copy, codec, new SchemaCodec(node, engine));
  Object.defineProperty(copy, NODE, { value: node, enumerable: false });
  return copy;
}

/**
 * The same codec with an encoder that does not check values: for a hot loop whose values your own
 * code built and already keeps in range (a game loop's positions, a sensor driver's floats), where
 * the checks are the whole remaining cost of `encodeInto` (SENSOR: about 0.73x of a hand-written
 * DataView encoder checked, 0.8x and more unchecked; see the codec README).
 *
 * What is left out: the type and range checks of numbers, booleans and bigints (an out-of-range
 * number is written the way a DataView setter writes it: wrapped, rounded or Infinity; a value of
 * the wrong type may write 0 or throw a `TypeError`). What stays: every room and offset check
 * (nothing is written past `target`'s end), the checks of strings, bytes, arrays, enums, unions and
 * optionals, and `decode` unchanged. Never use it for values that came from outside your process.
 *
 * Only the `generated` engine has an unchecked encoder; for the others the codec keeps its checks
 * (`trustedInput` is then `false`).
 */
/* @__NO_SIDE_EFFECTS__ */
export function trustedInput<C extends Codec<any>>(codec: C): C {
  const node = nodeOf(codec, 'trustedInput');
  const copy = Object.create(Object.getPrototypeOf(codec)) as C;
  Object.assign(copy, codec, new SchemaCodec(node, codec.engine, { trustedInput: true }));
  Object.defineProperty(copy, NODE, { value: node, enumerable: false });
  return copy;
}
