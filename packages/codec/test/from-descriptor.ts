/** Builds a codec from its describe() form (what vectors.json carries). */
import {
  array,
  bytes,
  type Codec,
  type EngineName,
  enumeration,
  optional,
  type SchemaDescriptor,
  string,
  struct,
  union,
  withEngine,
} from '../src/index.node.js';
import { PRIMITIVES, type PrimName } from './schema-arbitrary.js';

export function fromDescriptor(d: SchemaDescriptor, engine: EngineName): Codec<any> {
  const o = { engine };
  switch (d.type) {
    case 'string':
      return 'length' in d
        ? string({ ...o, length: d.length })
        : string({ ...o, lengthPrefix: d.lengthPrefix });
    case 'bytes':
      return 'length' in d
        ? bytes({ ...o, length: d.length })
        : bytes({ ...o, lengthPrefix: d.lengthPrefix });
    case 'array':
      return array(fromDescriptor(d.item, engine), { ...o, length: 'length' in d ? d.length : undefined });
    case 'optional':
      return optional(fromDescriptor(d.item, engine), o);
    case 'struct':
      return struct(Object.fromEntries(d.fields.map((f) => [f.name, fromDescriptor(f.schema, engine)])), o);
    case 'union':
      return union(
        d.tagKey,
        Object.fromEntries(d.variants.map((v) => [String(v.tag), fromDescriptor(v.schema, engine)])),
        { ...o, repr: PRIMITIVES[d.repr as PrimName] as Codec<number> },
      );
    case 'enum':
      return enumeration(
        d.values.map((v) => v.value),
        { ...o, repr: PRIMITIVES[d.repr as PrimName] as Codec<number> },
      );
    default:
      if (!(d.type in PRIMITIVES)) throw new Error(`unknown schema type ${d.type}`);
      return withEngine(PRIMITIVES[d.type as PrimName], engine);
  }
}
