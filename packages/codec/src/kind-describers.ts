/**
 * The descriptions of the node kinds that {@link describeNode} leaves to their makers: each is
 * enabled with its kind (engine-closures.ts), so a bundle that never makes an array holds no
 * description of one either.
 */
import {
  type ArrayNode,
  describeNode,
  type EnumNode,
  type OptionalNode,
  type SchemaDescriptor,
  type UnionNode,
} from './schema-node.js';

export function describeArray(node: ArrayNode): SchemaDescriptor {
  return node.length === undefined
    ? { type: 'array', item: describeNode(node.item), countPrefix: 'u32' }
    : { type: 'array', item: describeNode(node.item), length: node.length };
}

export function describeOptional(node: OptionalNode): SchemaDescriptor {
  return { type: 'optional', item: describeNode(node.item) };
}

export function describeEnum(node: EnumNode): SchemaDescriptor {
  const d = {
    type: 'enum' as const,
    repr: node.repr.name,
    values: node.values.map((value, i) => ({ value, wire: node.wire[i] })),
  };
  return node.fallback === undefined ? d : { ...d, fallback: node.fallback };
}

export function describeUnion(node: UnionNode): SchemaDescriptor {
  const d = {
    type: 'union' as const,
    tagKey: node.tagKey,
    repr: node.repr.name,
    variants: node.variants.map((v) => ({ tag: v.tag, wire: v.wire, schema: describeNode(v.node) })),
  };
  return node.fallback === undefined ? d : { ...d, fallback: node.fallback };
}
