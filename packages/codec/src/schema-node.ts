/**
 * The internal form of a schema: a small tree of plain nodes. Every engine (generated code,
 * closures, interpreter) compiles from this tree, so they cannot disagree about the schema.
 */

import { CopySharedTable } from './copy-shared-table.js';
import { primitiveSpec } from './primitive-specs.js';

/** Names of the fixed-size primitives, `le` suffix for little-endian. */
export type PrimitiveName =
  | 'u8'
  | 'i8'
  | 'bool'
  | 'u16'
  | 'u32'
  | 'i16'
  | 'i32'
  | 'f32'
  | 'f64'
  | 'u64'
  | 'i64'
  | 'u16le'
  | 'u32le'
  | 'i16le'
  | 'i32le'
  | 'f32le'
  | 'f64le'
  | 'u64le'
  | 'i64le';

/** Width of a length or count prefix in bytes (always unsigned big-endian). */
export type PrefixWidth = 1 | 2 | 4;

export interface PrimNode {
  readonly kind: 'prim';
  readonly name: PrimitiveName;
}
export interface StringNode {
  readonly kind: 'string';
  /** Fixed byte length (zero-padded) or undefined for a length-prefixed string. */
  readonly length: number | undefined;
  readonly prefix: PrefixWidth;
  /** Refuse malformed UTF-8 on decode instead of replacing it with U+FFFD. Not part of the wire format. */
  readonly fatal?: boolean;
}
export interface BytesNode {
  readonly kind: 'bytes';
  readonly length: number | undefined;
  readonly prefix: PrefixWidth;
  /** Decode into a copy rather than a view of the source. Not part of the wire format. */
  readonly copy: boolean;
}
export interface ArrayNode {
  readonly kind: 'array';
  readonly item: SchemaNode;
  /** Fixed item count or undefined for a u32 count prefix. */
  readonly length: number | undefined;
}
export interface OptionalNode {
  readonly kind: 'optional';
  readonly item: SchemaNode;
}
export interface StructField {
  readonly name: string;
  readonly node: SchemaNode;
  /**
   * Only in resolved codecs (schema evolution): a field of the peer's layout that the local value
   * lacks. Decoding reads and drops it; encoding writes `fill` (the peer's default) in its place.
   */
  readonly wireOnly?: { readonly fill: unknown };
}
export interface StructNode {
  readonly kind: 'struct';
  readonly fields: readonly StructField[];
}
export interface EnumNode {
  readonly kind: 'enum';
  /** The value a reader decodes a peer's member it does not know as (schema evolution). */
  readonly fallback?: number | string;
  /** Integer primitive the wire number is written as. */
  readonly repr: PrimNode;
  /** JavaScript values, in declaration order. */
  readonly values: readonly (number | string)[];
  /** Wire numbers, parallel to `values`. */
  readonly wire: readonly number[];
}

export interface UnionVariant {
  /** The tag's JavaScript value. */
  readonly tag: string | number;
  /** The tag's wire number. */
  readonly wire: number;
  readonly node: StructNode;
}
export interface UnionNode {
  readonly kind: 'union';
  /** Name of the tag property in the value object. */
  readonly tagKey: string;
  /** Integer primitive the tag's wire number is written as. */
  readonly repr: PrimNode;
  readonly variants: readonly UnionVariant[];
  /** The tag of the variant a reader decodes a peer's variant it does not know as (schema evolution). */
  readonly fallback?: number | string;
}

/**
 * Only in resolved codecs: a value with no bytes on the wire (a reader's default for a field the
 * peer's schema lacks). Decoding yields `value`, or a fresh copy from `fresh` for objects.
 */
export interface ConstNode {
  readonly kind: 'const';
  readonly value: unknown;
  readonly fresh: (() => unknown) | undefined;
}

/**
 * Only in resolved codecs: an integer written as `item` on the wire and seen as a value of type
 * `to` (an i32 field read by a peer whose schema says i64, and the reverse when encoding).
 */
export interface ConvertNode {
  readonly kind: 'convert';
  readonly item: PrimNode;
  readonly to: 'bigint' | 'number';
}

/**
 * Skips one value at `p` of `u8`; returns the offset after it. The skippers `resolve` builds read
 * only `u8`: `dv` (a view of its buffer) and `b` (`u8`'s offset there) are kept in the signature
 * for the engines that pass them, and an engine needs no DataView to call one.
 */
export type Skipper = (u8: Uint8Array, dv: DataView, b: number, p: number, end: number) => number;

/**
 * Only in resolved codecs: a value of a field only the writer has, stepped over without being
 * built (`skip`, compiled from `item`); it decodes as undefined and encodes nothing.
 */
export interface SkipNode {
  readonly kind: 'skip';
  readonly item: SchemaNode;
  readonly skip: Skipper;
  /** Where the skipped value sits, as its errors name it. */
  readonly path: string;
  /** True when skipping is only moving past `fixedSizeOf(item)` bytes (nothing to check or charge). */
  readonly free: boolean;
}

/** What a codec declares about itself as a struct field for schema evolution (`withDefault`, `withAliases`). */
export interface FieldMeta {
  /** The value a reader fills in when the writer's schema lacks the field. */
  readonly default?: {
    readonly value: unknown;
    /**
     * The default as `describe()` spells it (a new value each call). A function made where the
     * default is set, so that apps without defaults do not bundle the JSON spelling.
     */
    readonly json: () => unknown;
  };
  /** Former names of the field, matched when the writer's schema has no field of this name. */
  readonly aliases?: readonly string[];
}

/** A copy of `node` with evolution metadata added (engines ignore it; `describe()` shows it). */
export function withMeta(node: SchemaNode, meta: FieldMeta): SchemaNode {
  return { ...node, ...meta } as unknown as SchemaNode;
}

/** The evolution metadata of a node (empty for most). */
export function metaOf(node: SchemaNode): FieldMeta {
  return node as FieldMeta;
}

/** Any schema node. */
export type SchemaNode =
  | PrimNode
  | StringNode
  | BytesNode
  | ArrayNode
  | OptionalNode
  | StructNode
  | EnumNode
  | UnionNode
  | ConstNode
  | ConvertNode
  | SkipNode;

/** Canonical, JSON-able description of a schema (what schema fingerprints are computed from). */
export type SchemaDescriptor =
  | { readonly type: PrimitiveName }
  | { readonly type: 'string' | 'bytes'; readonly length: number }
  | { readonly type: 'string' | 'bytes'; readonly lengthPrefix: 'u8' | 'u16' | 'u32' }
  | { readonly type: 'array'; readonly item: SchemaDescriptor; readonly length: number }
  | { readonly type: 'array'; readonly item: SchemaDescriptor; readonly countPrefix: 'u32' }
  | { readonly type: 'optional'; readonly item: SchemaDescriptor }
  | {
      readonly type: 'struct';
      readonly fields: readonly FieldDescriptor[];
    }
  | {
      readonly type: 'enum';
      readonly repr: PrimitiveName;
      readonly values: readonly { readonly value: number | string; readonly wire: number }[];
      /** The member unknown peer members decode as (`enumeration(..., { fallback })`). */
      readonly fallback?: number | string;
    }
  | {
      readonly type: 'union';
      readonly tagKey: string;
      readonly repr: PrimitiveName;
      readonly variants: readonly {
        readonly tag: number | string;
        readonly wire: number;
        readonly schema: SchemaDescriptor;
      }[];
      /** The variant unknown peer variants decode as (`union(..., { fallback })`). */
      readonly fallback?: number | string;
    };

/** One field of a struct descriptor. */
export interface FieldDescriptor {
  readonly name: string;
  readonly schema: SchemaDescriptor;
  /** JSON form of the field's default (`withDefault`); see `defaultToJson` for bigints and bytes. */
  readonly default?: unknown;
  /** Former names of the field (`withAliases`). */
  readonly aliases?: readonly string[];
}

const PREFIX_NAMES = { 1: 'u8', 2: 'u16', 4: 'u32' } as const;

type Describer = (node: never) => SchemaDescriptor;

/**
 * How the kinds beyond primitives, strings, bytes and structs are described, added by what makes
 * their nodes (see kind-describers.ts), so that a bundle holds only those of the kinds its app
 * uses.
 */
const describers = new CopySharedTable<SchemaNode['kind'], Describer>('@bp/codec/describers');

/** @internal Lets {@link describeNode} describe nodes of `kind` (called by every maker of them). */
export function enableDescriber<K extends SchemaNode['kind']>(
  kind: K,
  describe: (node: Extract<SchemaNode, { kind: K }>) => SchemaDescriptor,
): void {
  describers.set(kind, describe as Describer);
}

/** The public description of a node. */
export function describeNode(node: SchemaNode): SchemaDescriptor {
  switch (node.kind) {
    case 'prim':
      return { type: node.name };
    case 'string':
    case 'bytes':
      return node.length === undefined
        ? { type: node.kind, lengthPrefix: PREFIX_NAMES[node.prefix] }
        : { type: node.kind, length: node.length };
    case 'struct':
      return { type: 'struct', fields: node.fields.map(describeField) };
    case 'const':
    case 'convert':
    case 'skip':
      throw new TypeError('a resolved codec describes itself by its writer schema');
  }
  const describe = describers.get(node.kind) as ((node: SchemaNode) => SchemaDescriptor) | undefined;
  // A bug in @bp/codec, not in the schema: the maker of this node did not enable its kind.
  if (describe === undefined) throw new TypeError(`describe: ${node.kind} nodes are not enabled`);
  return describe(node);
}

function describeField(f: StructField): FieldDescriptor {
  const meta = metaOf(f.node);
  const d: { name: string; schema: SchemaDescriptor; default?: unknown; aliases?: readonly string[] } = {
    name: f.name,
    schema: describeNode(f.node),
  };
  if (meta.default !== undefined) d.default = meta.default.json();
  if (meta.aliases !== undefined) d.aliases = [...meta.aliases];
  return d;
}

/** Size in bytes when every value of the node has the same size, else undefined. */
export function fixedSizeOf(node: SchemaNode): number | undefined {
  switch (node.kind) {
    case 'prim':
      return primitiveSpec(node.name).size;
    case 'enum':
      return primitiveSpec(node.repr.name).size;
    case 'string':
    case 'bytes':
      return node.length;
    case 'array': {
      if (node.length === undefined) return undefined;
      const item = fixedSizeOf(node.item);
      return item === undefined ? undefined : item * node.length;
    }
    case 'optional':
    case 'union':
      return undefined;
    case 'const':
      return 0;
    case 'convert':
      return primitiveSpec(node.item.name).size;
    case 'skip':
      return fixedSizeOf(node.item);
    case 'struct': {
      let total = 0;
      for (const f of node.fields) {
        const s = fixedSizeOf(f.node);
        if (s === undefined) return undefined;
        total += s;
      }
      return total;
    }
  }
}

/** Fewest bytes any value of the node encodes to (used to reject impossible counts early). */
export function minSizeOf(node: SchemaNode): number {
  switch (node.kind) {
    case 'prim':
      return primitiveSpec(node.name).size;
    case 'enum':
      return primitiveSpec(node.repr.name).size;
    case 'string':
    case 'bytes':
      return node.length ?? node.prefix;
    case 'array':
      return node.length === undefined ? 4 : node.length * minSizeOf(node.item);
    case 'optional':
      return 1;
    case 'const':
      return 0;
    case 'convert':
      return primitiveSpec(node.item.name).size;
    case 'skip':
      return minSizeOf(node.item);
    case 'struct': {
      let total = 0;
      for (const f of node.fields) total += minSizeOf(f.node);
      return total;
    }
    case 'union':
      return primitiveSpec(node.repr.name).size + Math.min(...node.variants.map((v) => minSizeOf(v.node)));
  }
}

/** Nesting depth: the number of struct, array and optional levels (0 for a primitive). */
export function depthOf(node: SchemaNode): number {
  switch (node.kind) {
    case 'array':
    case 'optional':
      return 1 + depthOf(node.item);
    case 'skip':
      return depthOf(node.item);
    case 'struct': {
      let d = 0;
      for (const f of node.fields) d = Math.max(d, depthOf(f.node));
      return 1 + d;
    }
    case 'union':
      return Math.max(...node.variants.map((v) => depthOf(v.node)));
    default:
      return 0;
  }
}

/** True when decoding the node consumes element or byte budget (it has an array or a length-prefixed string/bytes). */
export function usesBudget(node: SchemaNode): boolean {
  switch (node.kind) {
    case 'array':
      return true;
    case 'string':
    case 'bytes':
      return node.length === undefined;
    case 'optional':
    case 'skip':
      return usesBudget(node.item);
    case 'struct':
      return node.fields.some((f) => usesBudget(f.node));
    case 'union':
      return node.variants.some((v) => usesBudget(v.node));
    default:
      return false;
  }
}
