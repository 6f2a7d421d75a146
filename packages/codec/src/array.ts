import { type Codec, type CodecOptions, nodeOf, SchemaCodec } from './codec.js';
import { enableArrays } from './engine-closures.js';

/** Options of {@link array}. */
export interface ArrayOptions extends CodecOptions {
  /** Fixed item count (no count prefix). Without it a u32 big-endian count comes first. */
  length?: number;
}

/** An array of items: a u32 big-endian count then the items, or exactly `length` items. */
/* @__NO_SIDE_EFFECTS__ */
export function array<T>(item: Codec<T>, options: ArrayOptions = {}): SchemaCodec<T[]> {
  const { length } = options;
  if (length !== undefined && !(Number.isInteger(length) && length >= 0 && length <= 0xffffffff)) {
    throw new RangeError(`array: length must be a non-negative integer, got ${length}`);
  }
  enableArrays();
  return new SchemaCodec<T[]>({ kind: 'array', item: nodeOf(item, 'array'), length }, options.engine);
}
