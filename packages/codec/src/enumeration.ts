import type { Codec } from './codec.js';
import { type CodecOptions, nodeOf, SchemaCodec } from './codec.js';
import { enableEnums } from './engine-closures.js';
import { primitiveSpec } from './primitive-specs.js';
import type { EnumNode, PrimNode } from './schema-node.js';

/** Options of {@link enumeration} and {@link literal}. */
export interface EnumOptions extends CodecOptions {
  /** Integer codec the wire number is written as; default the smallest of u8, u16, u32, i8, i16, i32 that fits. */
  repr?: Codec<number>;
  /**
   * The value a reader decodes a writer's member it does not know as (schema evolution, see
   * `resolve`); without it an unknown member is a breaking change. Must be one of the values.
   */
  fallback?: string | number;
}

type EnumLike = { readonly [name: string]: string | number };

const CANDIDATES = ['u8', 'u16', 'u32', 'i8', 'i16', 'i32'] as const;

function enumValues(source: EnumLike | readonly (string | number)[]): (string | number)[] {
  if (Array.isArray(source)) return [...source];
  // A numeric TypeScript enum also maps values back to names; those reverse entries are skipped.
  const e = source as EnumLike;
  return Object.keys(e)
    .filter((k) => {
      const v = e[k];
      return !(typeof v === 'string' && e[v] === Number(k));
    })
    .map((k) => e[k]);
}

function enumCodec<T>(values: (string | number)[], options: EnumOptions, where: string): SchemaCodec<T> {
  if (values.length === 0) throw new TypeError(`${where}: needs at least one value`);
  let stringIndex = 0;
  const wire = values.map((v) => {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new TypeError(`${where}: ${v} is not an integer`);
      return v;
    }
    if (typeof v !== 'string') throw new TypeError(`${where}: values must be strings or integers`);
    return stringIndex++;
  });
  if (new Set(values).size !== values.length || new Set(wire).size !== wire.length) {
    throw new TypeError(`${where}: values must be distinct (string values are numbered 0, 1, ... in order)`);
  }
  let repr: PrimNode;
  const fits = (name: (typeof CANDIDATES)[number]) =>
    wire.every((w) => w >= (primitiveSpec(name).min as number) && w <= (primitiveSpec(name).max as number));
  if (options.repr !== undefined) {
    const node = nodeOf(options.repr, where);
    if (node.kind !== 'prim' || primitiveSpec(node.name).kind !== 'int') {
      throw new TypeError(`${where}: repr must be an integer codec such as u8 or u16`);
    }
    repr = node;
    if (!fits(node.name as (typeof CANDIDATES)[number])) {
      throw new RangeError(`${where}: a value does not fit in ${node.name}`);
    }
  } else {
    const name = CANDIDATES.find(fits);
    if (name === undefined) throw new RangeError(`${where}: values do not fit in 32 bits`);
    repr = { kind: 'prim', name };
  }
  const { fallback } = options;
  if (fallback !== undefined && !values.includes(fallback)) {
    throw new TypeError(`${where}: the fallback ${JSON.stringify(fallback)} is not one of the values`);
  }
  const node: EnumNode = {
    kind: 'enum',
    repr,
    values,
    wire,
    ...(fallback === undefined ? {} : { fallback }),
  };
  enableEnums();
  return new SchemaCodec<T>(node, options.engine);
}

/**
 * One of a fixed set of values, checked on encode and on decode. Accepts a TypeScript enum object
 * (numeric values are written as themselves) or a list of values (numbers written as themselves,
 * strings as their position among the strings: 0, 1, ...).
 *
 * @example
 * enum Color { Red = 1, Green = 2 }
 * const color = enumeration(Color);            // Codec<Color>
 * const side = enumeration(['buy', 'sell']);   // Codec<'buy' | 'sell'>, 1 byte
 */
export function enumeration<const E extends EnumLike>(
  values: E,
  options?: EnumOptions,
): SchemaCodec<E[keyof E]>;
export function enumeration<const V extends readonly (string | number)[]>(
  values: V,
  options?: EnumOptions,
): SchemaCodec<V[number]>;
/* @__NO_SIDE_EFFECTS__ */
export function enumeration(values: EnumLike | readonly (string | number)[], options: EnumOptions = {}) {
  return enumCodec(enumValues(values), options, 'enumeration');
}

/**
 * Exactly one value, written as its wire number (the number itself, or 0 for a string) and checked
 * on decode. Useful as a version tag or a constant discriminator.
 */
/* @__NO_SIDE_EFFECTS__ */
export function literal<const V extends string | number>(
  value: V,
  options: EnumOptions = {},
): SchemaCodec<V> {
  return enumCodec<V>([value], options, 'literal');
}
