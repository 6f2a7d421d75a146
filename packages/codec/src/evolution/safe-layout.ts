/**
 * A peer's layout with every peer-chosen string taken out, for the parts of a resolved codec that
 * the local schema does not name (fields only the peer has). Field names keep their spelling only
 * when it is a plain identifier (it then appears in error paths); others become `#<index>`. Enum
 * values and union tags become their wire numbers. So the generated-code engine, which writes
 * names into the source it compiles, never sees a string a peer chose freely.
 */
import { compileClosures, enableAllKinds } from '../engine-closures.js';
import type { SchemaNode, StructField, StructNode } from '../schema-node.js';

const PLAIN = /^[A-Za-z_$][\w$]{0,63}$/;

/** The name a peer-only field goes by in a resolved codec. */
export function safeName(name: string, index: number): string {
  return PLAIN.test(name) && name !== '__proto__' ? name : `#${index}`;
}

function safeStruct(node: StructNode): StructNode {
  const fields: StructField[] = node.fields.map((f, i) => ({
    name: safeName(f.name, i),
    node: safeLayout(f.node),
  }));
  return { kind: 'struct', fields };
}

/** The same bytes with no peer strings: values in the renamed shape. */
export function safeLayout(node: SchemaNode): SchemaNode {
  switch (node.kind) {
    case 'prim':
      return { kind: 'prim', name: node.name };
    case 'string':
      return { kind: 'string', length: node.length, prefix: node.prefix };
    case 'bytes':
      return { kind: 'bytes', length: node.length, prefix: node.prefix, copy: false };
    case 'array':
      return { kind: 'array', item: safeLayout(node.item), length: node.length };
    case 'optional':
      return { kind: 'optional', item: safeLayout(node.item) };
    case 'struct':
      return safeStruct(node);
    case 'enum':
      return { kind: 'enum', repr: node.repr, values: [...node.wire], wire: [...node.wire] };
    case 'union':
      return {
        kind: 'union',
        tagKey: '#tag',
        repr: node.repr,
        variants: node.variants.map((v) => ({ tag: v.wire, wire: v.wire, node: safeStruct(v.node) })),
      };
    case 'const':
    case 'convert':
    case 'skip':
      return node;
  }
}

/**
 * The bytes a peer's default for a field only the peer has takes in the peer's layout, encoded
 * once (by closures, which compile no source): a resolved codec writes them as they are.
 */
export function fillBytes(node: SchemaNode, value: unknown): Uint8Array {
  // A peer's layout, from its descriptor: any kind may be in it, made by no maker of ours.
  enableAllKinds();
  const raw = compileClosures(node);
  const bytes = new Uint8Array(raw.byteLength(value));
  raw.encodeInto(value, bytes, 0);
  return bytes;
}
