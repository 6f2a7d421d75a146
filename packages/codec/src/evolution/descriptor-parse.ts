/**
 * Reading a schema descriptor that came from elsewhere (a peer's handshake, a file in git): the
 * input is untrusted, so every part is checked and every size is bounded before anything is built.
 * Nothing here evaluates code, and names are only ever compared, never used as object keys.
 */
import { DEFAULT_MAX_DEPTH } from '../decode-limits.js';
import { isPrimitiveName, primitiveSpec } from '../primitive-specs.js';
import { DEFAULT_MAX_PAYLOAD } from '../protocol-config.js';
import {
  type EnumNode,
  type PrefixWidth,
  type PrimitiveName,
  type PrimNode,
  type SchemaNode,
  type StructField,
  type StructNode,
  type UnionVariant,
  withMeta,
} from '../schema-node.js';
import { defaultFromJson, defaultToJson } from './default-json.js';
import { SchemaError } from './schema-error.js';

/** Bounds on a descriptor read from outside. Past any of them, parsing throws `descriptor-too-large`. */
export interface DescriptorLimits {
  /** Longest JSON text accepted, in UTF-16 units. Default {@link DEFAULT_MAX_PAYLOAD} (1 MiB): a descriptor never needs more than a message may carry. */
  maxBytes?: number;
  /** Deepest struct/array/optional nesting. Default {@link DEFAULT_MAX_DEPTH} (64), the decode limit: a deeper schema could not be decoded anyway. */
  maxDepth?: number;
  /** Most schema nodes, struct fields, aliases, enum values, union variants and default-value parts in all. Default 10 000. */
  maxNodes?: number;
  /** Longest field name, alias, tag key or string enum value / tag, in UTF-16 units. Default 256. */
  maxNameLength?: number;
}

/** Default of {@link DescriptorLimits.maxNodes}. */
export const DEFAULT_MAX_DESCRIPTOR_NODES = 10_000;
/** Default of {@link DescriptorLimits.maxNameLength}. */
export const DEFAULT_MAX_NAME_LENGTH = 256;

interface Ctx {
  nodes: number;
  readonly maxDepth: number;
  readonly maxName: number;
}

type Obj = Record<string, unknown>;

const PREFIXES: Readonly<Record<string, PrefixWidth>> = { u8: 1, u16: 2, u32: 4 };

/** The prefix of a child's path (the root has none). */
function dot(path: string): string {
  return path === '' ? '' : `${path}.`;
}

function invalid(path: string, detail: string): SchemaError {
  return new SchemaError('invalid-descriptor', detail, path);
}

function tooLarge(path: string, detail: string): SchemaError {
  return new SchemaError('descriptor-too-large', detail, path);
}

function spend(cx: Ctx, n: number, path: string): void {
  cx.nodes -= n;
  if (cx.nodes < 0) throw tooLarge(path, 'the descriptor has more parts than maxNodes allows');
}

/** An own property (inherited ones such as `constructor` never count). */
function own(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function object(v: unknown, path: string, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw invalid(path, `${what} must be an object`);
  return v as Obj;
}

function list(v: unknown, path: string, what: string, cx: Ctx): readonly unknown[] {
  if (!Array.isArray(v)) throw invalid(path, `${what} must be an array`);
  spend(cx, v.length, path);
  return v;
}

function name(v: unknown, path: string, what: string, cx: Ctx): string {
  if (typeof v !== 'string') throw invalid(path, `${what} must be a string`);
  if (v.length > cx.maxName) throw tooLarge(path, `${what} is longer than maxNameLength (${cx.maxName})`);
  return v;
}

function count(v: unknown, path: string, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw invalid(path, `${what} must be an integer from 0 to 2^32-1`);
  }
  return v;
}

function intRepr(v: unknown, path: string): PrimNode {
  if (typeof v !== 'string' || !isPrimitiveName(v) || primitiveSpec(v as PrimitiveName).kind !== 'int') {
    throw invalid(path, 'repr must name an integer type such as u8 or u16');
  }
  return { kind: 'prim', name: v as PrimitiveName };
}

function wireOf(v: unknown, repr: PrimNode, path: string): number {
  const spec = primitiveSpec(repr.name);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < (spec.min as number) || v > (spec.max as number)) {
    throw invalid(path, `wire must be an integer that fits in ${repr.name}`);
  }
  return v;
}

function memberValue(v: unknown, path: string, cx: Ctx): string | number {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string') return name(v, path, 'a value', cx);
  throw invalid(path, 'a value must be a string or a safe integer');
}

function parseNode(d: unknown, path: string, depth: number, cx: Ctx): SchemaNode {
  spend(cx, 1, path);
  const o = object(d, path, 'a schema');
  const type = own(o, 'type');
  if (typeof type !== 'string') throw invalid(path, 'a schema needs a string "type"');
  switch (type) {
    case 'string':
    case 'bytes': {
      const length = own(o, 'length');
      const prefix = own(o, 'lengthPrefix');
      if ((length === undefined) === (prefix === undefined)) {
        throw invalid(path, `${type} needs exactly one of "length" and "lengthPrefix"`);
      }
      if (prefix !== undefined && (typeof prefix !== 'string' || !Object.hasOwn(PREFIXES, prefix))) {
        throw invalid(`${dot(path)}lengthPrefix`, 'must be "u8", "u16" or "u32"');
      }
      const len = length === undefined ? undefined : count(length, `${dot(path)}length`, 'length');
      const width = prefix === undefined ? 4 : PREFIXES[prefix as string];
      return type === 'string'
        ? { kind: 'string', length: len, prefix: width }
        : { kind: 'bytes', length: len, prefix: width, copy: false };
    }
    case 'array': {
      if (depth >= cx.maxDepth)
        throw tooLarge(path, `the schema nests deeper than maxDepth (${cx.maxDepth})`);
      const length = own(o, 'length');
      const prefix = own(o, 'countPrefix');
      if ((length === undefined) === (prefix === undefined) || (prefix !== undefined && prefix !== 'u32')) {
        throw invalid(path, 'array needs "length" or "countPrefix": "u32"');
      }
      const item = parseNode(own(o, 'item'), `${dot(path)}item`, depth + 1, cx);
      return {
        kind: 'array',
        item,
        length: length === undefined ? undefined : count(length, `${dot(path)}length`, 'length'),
      };
    }
    case 'optional': {
      if (depth >= cx.maxDepth)
        throw tooLarge(path, `the schema nests deeper than maxDepth (${cx.maxDepth})`);
      return { kind: 'optional', item: parseNode(own(o, 'item'), `${dot(path)}item`, depth + 1, cx) };
    }
    case 'struct':
      return parseStruct(o, path, depth, cx);
    case 'enum':
      return parseEnum(o, path, cx);
    case 'union':
      return parseUnion(o, path, depth, cx);
    default:
      if (isPrimitiveName(type)) return { kind: 'prim', name: type as PrimitiveName };
      throw invalid(path, `unknown schema type ${JSON.stringify(type.slice(0, 40))}`);
  }
}

function parseStruct(o: Obj, path: string, depth: number, cx: Ctx): StructNode {
  if (depth >= cx.maxDepth) throw tooLarge(path, `the schema nests deeper than maxDepth (${cx.maxDepth})`);
  const entries = list(own(o, 'fields'), `${dot(path)}fields`, 'fields', cx);
  const seen = new Set<string>();
  const fields: StructField[] = [];
  const defaults: { index: number; json: unknown; path: string }[] = [];
  entries.forEach((entry, i) => {
    const at = `${dot(path)}fields[${i}]`;
    const f = object(entry, at, 'a field');
    const fieldName = name(own(f, 'name'), `${at}.name`, 'a field name', cx);
    if (seen.has(fieldName))
      throw invalid(`${at}.name`, `duplicate field ${JSON.stringify(fieldName.slice(0, 40))}`);
    seen.add(fieldName);
    let node = parseNode(own(f, 'schema'), `${at}.schema`, depth + 1, cx);
    const aliases = own(f, 'aliases');
    if (aliases !== undefined) {
      const names = list(aliases, `${at}.aliases`, 'aliases', cx).map((a, j) =>
        name(a, `${at}.aliases[${j}]`, 'an alias', cx),
      );
      node = withMeta(node, { aliases: names });
    }
    if (Object.hasOwn(f, 'default')) defaults.push({ index: i, json: f.default, path: `${at}.default` });
    fields.push({ name: fieldName, node });
  });
  // Defaults are read once the field schemas are known; each part spends the same budget.
  for (const d of defaults) {
    const field = fields[d.index];
    const budget = { left: cx.nodes };
    const value = defaultFromJson(field.node, d.json, d.path, budget);
    spend(cx, cx.nodes - budget.left, d.path);
    const json = () => defaultToJson(field.node, value);
    fields[d.index] = { name: field.name, node: withMeta(field.node, { default: { value, json } }) };
  }
  return { kind: 'struct', fields };
}

function parseEnum(o: Obj, path: string, cx: Ctx): EnumNode {
  const repr = intRepr(own(o, 'repr'), `${dot(path)}repr`);
  const entries = list(own(o, 'values'), `${dot(path)}values`, 'values', cx);
  if (entries.length === 0) throw invalid(`${dot(path)}values`, 'an enum needs at least one value');
  const values: (string | number)[] = [];
  const wire: number[] = [];
  entries.forEach((entry, i) => {
    const at = `${dot(path)}values[${i}]`;
    const e = object(entry, at, 'an enum value');
    values.push(memberValue(own(e, 'value'), `${at}.value`, cx));
    wire.push(wireOf(own(e, 'wire'), repr, `${at}.wire`));
  });
  if (new Set(values).size !== values.length || new Set(wire).size !== wire.length) {
    throw invalid(`${dot(path)}values`, 'values and wire numbers must be distinct');
  }
  const fallback = own(o, 'fallback');
  if (fallback !== undefined && !values.includes(fallback as never)) {
    throw invalid(`${dot(path)}fallback`, 'the fallback must be one of the values');
  }
  return fallback === undefined
    ? { kind: 'enum', repr, values, wire }
    : { kind: 'enum', repr, values, wire, fallback: fallback as string | number };
}

function parseUnion(o: Obj, path: string, depth: number, cx: Ctx): SchemaNode {
  const tagKey = name(own(o, 'tagKey'), `${dot(path)}tagKey`, 'tagKey', cx);
  if (tagKey === '') throw invalid(`${dot(path)}tagKey`, 'tagKey must not be empty');
  const repr = intRepr(own(o, 'repr'), `${dot(path)}repr`);
  const entries = list(own(o, 'variants'), `${dot(path)}variants`, 'variants', cx);
  if (entries.length === 0) throw invalid(`${dot(path)}variants`, 'a union needs at least one variant');
  const variants: UnionVariant[] = entries.map((entry, i) => {
    const at = `${dot(path)}variants[${i}]`;
    const v = object(entry, at, 'a variant');
    const tag = memberValue(own(v, 'tag'), `${at}.tag`, cx);
    const wire = wireOf(own(v, 'wire'), repr, `${at}.wire`);
    const node = parseNode(own(v, 'schema'), `${at}.schema`, depth, cx);
    if (node.kind !== 'struct') throw invalid(`${at}.schema`, 'a variant must be a struct');
    if (node.fields.some((f) => f.name === tagKey))
      throw invalid(`${at}.schema`, 'a variant has a field named like the tag');
    return { tag, wire, node };
  });
  if (
    new Set(variants.map((v) => v.tag)).size !== variants.length ||
    new Set(variants.map((v) => v.wire)).size !== variants.length
  ) {
    throw invalid(`${dot(path)}variants`, 'tags and wire numbers must be distinct');
  }
  const fallback = own(o, 'fallback');
  if (fallback !== undefined && !variants.some((v) => v.tag === fallback)) {
    throw invalid(`${dot(path)}fallback`, 'the fallback must be one of the tags');
  }
  return fallback === undefined
    ? { kind: 'union', tagKey, repr, variants }
    : { kind: 'union', tagKey, repr, variants, fallback: fallback as string | number };
}

function contextOf(limits: DescriptorLimits): Ctx {
  return {
    nodes: limits.maxNodes ?? DEFAULT_MAX_DESCRIPTOR_NODES,
    maxDepth: limits.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxName: limits.maxNameLength ?? DEFAULT_MAX_NAME_LENGTH,
  };
}

/** JSON text is parsed only after its length was checked; anything else is taken as parsed JSON. */
function fromText(input: unknown, limits: DescriptorLimits): unknown {
  if (typeof input !== 'string') return input;
  const max = limits.maxBytes ?? DEFAULT_MAX_PAYLOAD;
  if (input.length > max)
    throw tooLarge('', `the descriptor text is ${input.length} long, maxBytes is ${max}`);
  try {
    return JSON.parse(input);
  } catch (e) {
    throw new SchemaError('invalid-descriptor', 'the descriptor is not valid JSON', '', [], { cause: e });
  }
}

/**
 * @internal Checks a schema descriptor (a `describe()` output, as an object or JSON text) and
 * builds its schema node. Throws {@link SchemaError}: `invalid-descriptor` with the path of the
 * first bad part, or `descriptor-too-large` past a bound of `limits`.
 */
export function parseSchemaDescriptor(input: unknown, limits: DescriptorLimits = {}): SchemaNode {
  return parseNode(fromText(input, limits), '', 0, contextOf(limits));
}

/** @internal A parsed protocol descriptor: its header format and each type's node. */
export interface ParsedProtocol {
  readonly headerFormat: string;
  readonly types: ReadonlyMap<number, { readonly name: string | undefined; readonly node: SchemaNode }>;
}

/** @internal Like {@link parseSchemaDescriptor} for a `ProtocolConfig.describe()` output; one budget for all types. */
export function parseProtocolDescriptor(input: unknown, limits: DescriptorLimits = {}): ParsedProtocol {
  const cx = contextOf(limits);
  const o = object(fromText(input, limits), '', 'a protocol descriptor');
  const headerFormat = name(own(o, 'headerFormat'), 'headerFormat', 'headerFormat', cx);
  const types = new Map<number, { name: string | undefined; node: SchemaNode }>();
  list(own(o, 'types'), 'types', 'types', cx).forEach((entry, i) => {
    const at = `types[${i}]`;
    const t = object(entry, at, 'a type entry');
    const type = own(t, 'type');
    if (typeof type !== 'number' || !Number.isSafeInteger(type))
      throw invalid(`${at}.type`, 'must be an integer');
    if (types.has(type)) throw invalid(`${at}.type`, `duplicate message type ${type}`);
    const typeName = own(t, 'name');
    types.set(type, {
      name: typeName === undefined ? undefined : name(typeName, `${at}.name`, 'a type name', cx),
      node: parseNode(own(t, 'schema'), `${at}.schema`, 0, cx),
    });
  });
  return { headerFormat, types };
}
