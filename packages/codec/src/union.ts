import { type Codec, type CodecOptions, type Infer, nodeOf, type Prettify, SchemaCodec } from './codec.js';
import { enableUnions } from './engine-closures.js';
import { primitiveSpec } from './primitive-specs.js';
import type { PrimNode, UnionNode, UnionVariant } from './schema-node.js';

/** Options of {@link union}. */
export interface UnionOptions extends CodecOptions {
  /** Integer codec the tag is written as; default the smallest of u8, u16, u32 that fits. */
  repr?: Codec<number>;
  /**
   * The variant (its key) a reader decodes a writer's variant it does not know as (schema
   * evolution, see `resolve`); its fields the writer's variant lacks need defaults. Without it an
   * unknown variant is a breaking change.
   */
  fallback?: string | number;
}

/** The struct codecs of a union's variants, by tag. */
export type Variants = { readonly [tag: string | number]: Codec<object> };

/** The value type of a union: each variant's fields plus the tag property. */
export type UnionValue<K extends string, V extends Variants> = {
  [T in keyof V]: Prettify<{ [P in K]: T extends `${infer N extends number}` ? N : T } & Infer<V[T]>>;
}[keyof V];

const CANDIDATES = ['u8', 'u16', 'u32'] as const;

/**
 * A discriminated union of structs: the tag, then the fields of the variant it names. Numeric tags
 * are written as themselves, string tags as their position among the string tags (0, 1, ...).
 * The decoded value is the variant's object with the tag property first.
 *
 * @example
 * const Shape = union('kind', {
 *   circle: struct({ r: f32 }),
 *   rect: struct({ w: f32, h: f32 }),
 * });
 * type Shape = Infer<typeof Shape>; // { kind: 'circle'; r: number } | { kind: 'rect'; w: number; h: number }
 */
/* @__NO_SIDE_EFFECTS__ */
export function union<const K extends string, const V extends Variants>(
  tagKey: K,
  variants: V,
  options: UnionOptions = {},
): SchemaCodec<UnionValue<K, V>> {
  const where = 'union';
  if (typeof tagKey !== 'string' || tagKey === '' || tagKey === '__proto__') {
    throw new TypeError(`${where}: the tag key must be a field name`);
  }
  let stringIndex = 0;
  const list: UnionVariant[] = Object.keys(variants).map((key) => {
    const node = nodeOf(variants[key], `${where} variant ${key}`);
    if (node.kind !== 'struct') throw new TypeError(`${where}: variant ${key} must be a struct`);
    if (node.fields.some((f) => f.name === tagKey)) {
      throw new TypeError(`${where}: variant ${key} has a field named like the tag (${tagKey})`);
    }
    const numeric = /^(0|-?[1-9]\d*)$/.test(key);
    const tag = numeric ? Number(key) : key;
    return { tag, wire: numeric ? Number(key) : stringIndex++, node };
  });
  if (list.length === 0) throw new TypeError(`${where}: needs at least one variant`);
  const wires = list.map((v) => v.wire);
  if (new Set(wires).size !== wires.length) {
    throw new TypeError(`${where}: tags collide on the wire (string tags are numbered 0, 1, ... in order)`);
  }
  let repr: PrimNode;
  const fits = (name: string) =>
    wires.every(
      (w) =>
        w >= (primitiveSpec(name as 'u8').min as number) && w <= (primitiveSpec(name as 'u8').max as number),
    );
  if (options.repr !== undefined) {
    const node = nodeOf(options.repr, where);
    if (node.kind !== 'prim' || primitiveSpec(node.name).kind !== 'int') {
      throw new TypeError(`${where}: repr must be an integer codec such as u8 or u16`);
    }
    if (!fits(node.name)) throw new RangeError(`${where}: a tag does not fit in ${node.name}`);
    repr = node;
  } else {
    const name = CANDIDATES.find(fits);
    if (name === undefined) throw new RangeError(`${where}: tags must be non-negative integers below 2^32`);
    repr = { kind: 'prim', name };
  }
  const fallback = list.find((v) => String(v.tag) === String(options.fallback))?.tag;
  if (options.fallback !== undefined && fallback === undefined) {
    throw new TypeError(`${where}: the fallback ${JSON.stringify(options.fallback)} is not a variant`);
  }
  const node: UnionNode = {
    kind: 'union',
    tagKey,
    repr,
    variants: list,
    ...(fallback === undefined ? {} : { fallback }),
  };
  enableUnions();
  return new SchemaCodec(node, options.engine);
}
