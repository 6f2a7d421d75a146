import { type Codec, type CodecOptions, type Infer, nodeOf, type Prettify, SchemaCodec } from './codec.js';
import type { SchemaNode, StructField } from './schema-node.js';

/** Field codecs of a struct, by name. Field order is the wire order. */
export type Shape = { readonly [name: string]: Codec<any> };

type OptionalKey<S extends Shape, K extends keyof S> = S[K] extends { readonly isOptional: true } ? K : never;
type RequiredKey<S extends Shape, K extends keyof S> = S[K] extends { readonly isOptional: true } ? never : K;

/** The value type of a struct of shape `S`: `optional(...)` fields become optional keys. */
export type StructValue<S extends Shape> = Prettify<
  { -readonly [K in keyof S as RequiredKey<S, K>]: Infer<S[K]> } & {
    -readonly [K in keyof S as OptionalKey<S, K>]?: Infer<S[K]>;
  }
>;

/** A struct codec: the fields one after another, no names or tags on the wire. */
export class StructCodec<T> extends SchemaCodec<T> {
  /**
   * Decodes into `target`, reusing it (and nested structs and fixed arrays in it) instead of
   * allocating: message pooling for fixed-size structs. Variable-size structs decode normally and
   * copy their fields into `target`.
   */
  decodeInto(source: Uint8Array, offset: number, target: T): T {
    if (this.decodeIntoFn !== undefined) return this.decodeIntoFn(source, offset, target) as T;
    return Object.assign(target as object, this.decode(source, offset)) as T;
  }
}

/** @internal Builds a struct node from named field nodes, checking the names. */
export function structNode(fields: readonly StructField[], where: string): SchemaNode {
  const seen = new Set<string>();
  for (const { name } of fields) {
    if (name === '__proto__') throw new TypeError(`${where}: a field cannot be named __proto__`);
    if (seen.has(name)) throw new TypeError(`${where}: duplicate field ${name}`);
    seen.add(name);
  }
  return { kind: 'struct', fields };
}

/**
 * A struct: each field encoded in order, with nothing between them. Compiled once into a
 * specialised encoder/decoder; fixed-size structs get a single bounds check per message.
 *
 * @example
 * const SensorData = struct({ sensor1: f32, sensor2: f32 });
 * type SensorData = Infer<typeof SensorData>; // { sensor1: number; sensor2: number }
 */
/* @__NO_SIDE_EFFECTS__ */
export function struct<const S extends Shape>(
  shape: S,
  options: CodecOptions = {},
): StructCodec<StructValue<S>> {
  const fields = Object.entries(shape).map(([name, codec]) => ({
    name,
    node: nodeOf(codec, `struct field ${name}`),
  }));
  return new StructCodec(structNode(fields, 'struct'), options.engine);
}
