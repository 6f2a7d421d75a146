import { EncodeError } from './errors.js';
import { isValidPrimitive, primitiveSpec } from './primitive-specs.js';
import type {
  ArrayNode,
  BytesNode,
  ConvertNode,
  EnumNode,
  PrimNode,
  SchemaNode,
  StringNode,
  StructNode,
  UnionNode,
} from './schema-node.js';
import { utf8Length } from './utf8.js';

const PREFIX_MAX = { 1: 0xff, 2: 0xffff, 4: 0xffffffff } as const;

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === 'object' && v !== null) return 'object';
  return String(v);
}

function typeMismatch(expected: string, v: unknown, path: string): EncodeError {
  return new EncodeError('type-mismatch', `expected ${expected}, got ${typeof v} ${show(v)}`, path);
}

/**
 * The error for a value the fast path refused. Engines call this only after their cheap check
 * failed, so the hot path pays for one comparison and all explanation happens here, once.
 * Returns undefined when the value is in fact valid at this level (callers then look deeper).
 * There is one explainer per kind (below), so that a bundle holds only those of the kinds its
 * app makes (the closures engine calls them directly); this one takes any node.
 */
export function explainEncodeFailure(node: SchemaNode, v: unknown, path: string): EncodeError | undefined {
  switch (node.kind) {
    case 'prim':
      return explainPrim(node, v, path);
    case 'enum':
      return explainEnum(node, v, path);
    case 'string':
      return explainString(node, v, path);
    case 'bytes':
      return explainBytes(node, v, path);
    case 'array':
      return explainArray(node, v, path);
    case 'struct':
      return explainStruct(node, v, path);
    case 'union':
      return explainUnion(node, v, path);
    case 'convert':
      return explainConvert(node, v, path);
    default:
      // optional, const, skip: any value (undefined included) is theirs to pass on.
      return undefined;
  }
}

function missing(path: string): EncodeError {
  return new EncodeError('missing-field', 'value is missing (undefined)', path);
}

/** {@link explainEncodeFailure} for a primitive. */
export function explainPrim(node: PrimNode, v: unknown, path: string): EncodeError | undefined {
  if (v === undefined) return missing(path);
  const spec = primitiveSpec(node.name);
  if (isValidPrimitive(spec, v)) return undefined;
  if (spec.kind === 'bool') return typeMismatch('a boolean', v, path);
  if (spec.kind === 'bigint') {
    if (typeof v !== 'bigint') return typeMismatch(`a bigint (${node.name})`, v, path);
    return new EncodeError('out-of-range', `${show(v)} is outside the ${node.name} range`, path);
  }
  if (typeof v !== 'number') return typeMismatch(`a number (${node.name})`, v, path);
  if (spec.kind === 'float') {
    return new EncodeError(
      'out-of-range',
      `${show(v)} is too large for ${node.name} (would become Infinity)`,
      path,
    );
  }
  if (!Number.isInteger(v))
    return new EncodeError('out-of-range', `${show(v)} is not an integer (${node.name})`, path);
  return new EncodeError(
    'out-of-range',
    `${show(v)} is outside the ${node.name} range ${spec.min}..${spec.max}`,
    path,
  );
}

/** {@link explainEncodeFailure} for an enum. */
export function explainEnum(node: EnumNode, v: unknown, path: string): EncodeError | undefined {
  if (v === undefined) return missing(path);
  if (node.values.includes(v as never)) return undefined;
  return new EncodeError(
    'invalid-value',
    `${show(v)} is not one of ${node.values.map((x) => show(x)).join(', ')}`,
    path,
  );
}

/** {@link explainEncodeFailure} for a string. */
export function explainString(node: StringNode, v: unknown, path: string): EncodeError | undefined {
  if (v === undefined) return missing(path);
  if (typeof v !== 'string') return typeMismatch('a string', v, path);
  const n = utf8Length(v);
  if (node.length !== undefined) {
    if (n > node.length) {
      return new EncodeError('too-long', `string is ${n} UTF-8 bytes, the field holds ${node.length}`, path);
    }
    if (v.charCodeAt(v.length - 1) === 0) {
      return new EncodeError(
        'invalid-value',
        'a fixed-length string cannot end with NUL (trailing NULs are padding and are stripped on decode)',
        path,
      );
    }
  } else if (n > PREFIX_MAX[node.prefix]) {
    return new EncodeError(
      'too-long',
      `string is ${n} UTF-8 bytes, its length prefix holds ${PREFIX_MAX[node.prefix]}`,
      path,
    );
  }
  return undefined;
}

/** {@link explainEncodeFailure} for bytes. */
export function explainBytes(node: BytesNode, v: unknown, path: string): EncodeError | undefined {
  if (v === undefined) return missing(path);
  if (!(v instanceof Uint8Array)) return typeMismatch('a Uint8Array', v, path);
  if (node.length !== undefined && v.length > node.length) {
    return new EncodeError('too-long', `${v.length} bytes, the field holds ${node.length}`, path);
  }
  if (node.length === undefined && v.length > PREFIX_MAX[node.prefix]) {
    return new EncodeError(
      'too-long',
      `${v.length} bytes, the length prefix holds ${PREFIX_MAX[node.prefix]}`,
      path,
    );
  }
  return undefined;
}

/** {@link explainEncodeFailure} for an array. */
export function explainArray(node: ArrayNode, v: unknown, path: string): EncodeError | undefined {
  if (v === undefined) return missing(path);
  if (!Array.isArray(v)) return typeMismatch('an array', v, path);
  if (node.length !== undefined && v.length !== node.length) {
    return new EncodeError(
      'invalid-length',
      `array has ${v.length} items, the field holds exactly ${node.length}`,
      path,
    );
  }
  if (v.length > 0xffffffff) return new EncodeError('too-long', 'array has more than 2^32-1 items', path);
  return undefined;
}

/** {@link explainEncodeFailure} for a struct (its own level: fields explain themselves). */
export function explainStruct(_node: StructNode, v: unknown, path: string): EncodeError | undefined {
  if (v === undefined) return missing(path);
  if (typeof v !== 'object' || v === null) return typeMismatch('an object', v, path);
  return undefined;
}

/** {@link explainEncodeFailure} for a union. */
export function explainUnion(node: UnionNode, v: unknown, path: string): EncodeError | undefined {
  if (v === undefined) return missing(path);
  if (typeof v !== 'object' || v === null) return typeMismatch('an object', v, path);
  const tag = (v as Record<string, unknown>)[node.tagKey];
  if (node.variants.some((x) => x.tag === tag)) return undefined;
  return new EncodeError(
    tag === undefined ? 'missing-field' : 'invalid-value',
    `${show(tag)} is not one of ${node.variants.map((x) => show(x.tag)).join(', ')}`,
    fieldPath(path, node.tagKey),
  );
}

/** {@link explainEncodeFailure} for a resolved codec's converted integer. */
export function explainConvert(node: ConvertNode, v: unknown, path: string): EncodeError | undefined {
  if (v === undefined) return missing(path);
  if (node.to === 'bigint') {
    if (typeof v !== 'bigint') return typeMismatch(`a bigint (read as ${node.item.name})`, v, path);
    return explainPrim(node.item, Number(v), path);
  }
  if (typeof v !== 'number') return typeMismatch(`a number (written as ${node.item.name})`, v, path);
  if (!Number.isSafeInteger(v))
    return new EncodeError('out-of-range', `${show(v)} is not a safe integer`, path);
  return explainPrim(node.item, BigInt(v), path);
}

/** The error for a value its kind's explainer found nothing wrong with at its own level. */
export function failure(explained: EncodeError | undefined, v: unknown, path: string): EncodeError {
  return explained ?? new EncodeError('invalid-value', `cannot encode ${show(v)}`, path);
}

/** Like {@link explainEncodeFailure} but always returns an error (for callers that know the value failed). */
export function encodeFailure(node: SchemaNode, v: unknown, path: string): EncodeError {
  return failure(explainEncodeFailure(node, v, path), v, path);
}

/** Joins a parent path and a field name. */
export function fieldPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}
