import { type Codec, type Infer, NODE, nodeOf, SchemaCodec } from '../codec.js';
import { type SchemaNode, withMeta } from '../schema-node.js';
import { copyDefault, defaultToJson } from './default-json.js';

/** @internal The same codec (class, options, engine) over another node. */
export function withNode<C extends Codec<any>>(codec: C, node: SchemaNode): C {
  const copy = Object.create(Object.getPrototypeOf(codec)) as C;
  Object.assign(copy, codec, new SchemaCodec(node, codec.engine));
  Object.defineProperty(copy, NODE, { value: node, enumerable: false });
  return copy;
}

/**
 * The same codec with a default: as a struct field, a reader fills in `value` when the writer's
 * schema lacks the field (see {@link resolve}). Nothing changes on the wire; the default is part
 * of `describe()` (in the field's entry, spelled as JSON: bigints as decimal strings, bytes as hex,
 * see the README) and so of the schema fingerprint. Objects, arrays and bytes are copied, here and
 * for every decoded value. Throws `EncodeError` when `value` is not a valid value of the codec.
 *
 * @example
 * const SensorV2 = struct({ temperature: f32, battery: withDefault(u8, 100) });
 */
/* @__NO_SIDE_EFFECTS__ */
export function withDefault<C extends Codec<any>>(codec: C, value: Infer<C>): C {
  const node = nodeOf(codec, 'withDefault');
  codec.byteLength(value);
  codec.encode(value);
  const copy = copyDefault(value);
  return withNode(codec, withMeta(node, { default: { value: copy, json: () => defaultToJson(node, copy) } }));
}

/**
 * The same codec with former names: as a struct field, a reader whose writer has no field of the
 * field's name reads the writer's field of the first alias it has (a rename). Aliases are part of
 * `describe()` and the fingerprint; nothing changes on the wire.
 *
 * @example
 * const V2 = struct({ temperature: withAliases(f32, ['temp']) }); // was `temp` in v1
 */
/* @__NO_SIDE_EFFECTS__ */
export function withAliases<C extends Codec<any>>(codec: C, aliases: readonly string[]): C {
  const node = nodeOf(codec, 'withAliases');
  if (!Array.isArray(aliases) || aliases.some((a) => typeof a !== 'string' || a === '__proto__')) {
    throw new TypeError('withAliases: aliases must be field names (strings other than __proto__)');
  }
  if (new Set(aliases).size !== aliases.length) throw new TypeError('withAliases: duplicate alias');
  return withNode(codec, withMeta(node, { aliases: [...aliases] }));
}
