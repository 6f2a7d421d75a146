import { type Codec, type CodecOptions, nodeOf, SchemaCodec } from './codec.js';
import { enableOptionals } from './engine-closures.js';
import type { SchemaNode } from './schema-node.js';

/** A codec whose value may be absent; as a struct field its key is optional. */
export class OptionalCodec<T> extends SchemaCodec<T | undefined> {
  /** Marks the field as optional in {@link Infer} of a struct. */
  readonly isOptional = true as const;

  /** @internal */
  constructor(node: SchemaNode, engine?: CodecOptions['engine']) {
    super(node, engine);
  }
}

/**
 * A value that may be absent: one flag byte (0 absent, 1 present) then the value when present.
 * `undefined` and `null` encode as absent; absent decodes as `undefined`.
 */
/* @__NO_SIDE_EFFECTS__ */
export function optional<T>(item: Codec<T>, options: CodecOptions = {}): OptionalCodec<T> {
  enableOptionals();
  return new OptionalCodec<T>({ kind: 'optional', item: nodeOf(item, 'optional') }, options.engine);
}
