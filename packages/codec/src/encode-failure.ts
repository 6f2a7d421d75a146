import { EncodeError } from './errors.js';
import { isValidPrimitive, PRIMITIVE_SPECS } from './primitive-specs.js';
import type { SchemaNode } from './schema-node.js';
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
 */
export function explainEncodeFailure(node: SchemaNode, v: unknown, path: string): EncodeError | undefined {
  if (v === undefined && node.kind !== 'optional' && node.kind !== 'const' && node.kind !== 'skip') {
    return new EncodeError('missing-field', 'value is missing (undefined)', path);
  }
  switch (node.kind) {
    case 'prim': {
      const spec = PRIMITIVE_SPECS[node.name];
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
    case 'enum':
      if (node.values.includes(v as never)) return undefined;
      return new EncodeError(
        'invalid-value',
        `${show(v)} is not one of ${node.values.map((x) => show(x)).join(', ')}`,
        path,
      );
    case 'string': {
      if (typeof v !== 'string') return typeMismatch('a string', v, path);
      const n = utf8Length(v);
      if (node.length !== undefined) {
        if (n > node.length) {
          return new EncodeError(
            'too-long',
            `string is ${n} UTF-8 bytes, the field holds ${node.length}`,
            path,
          );
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
    case 'bytes': {
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
    case 'array':
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
    case 'struct':
      if (typeof v !== 'object' || v === null) return typeMismatch('an object', v, path);
      return undefined;
    case 'optional':
      return undefined;
    case 'union': {
      if (typeof v !== 'object' || v === null) return typeMismatch('an object', v, path);
      const tag = (v as Record<string, unknown>)[node.tagKey];
      if (node.variants.some((x) => x.tag === tag)) return undefined;
      return new EncodeError(
        tag === undefined ? 'missing-field' : 'invalid-value',
        `${show(tag)} is not one of ${node.variants.map((x) => show(x.tag)).join(', ')}`,
        fieldPath(path, node.tagKey),
      );
    }
    case 'const':
    case 'skip':
      return undefined;
    case 'convert':
      if (node.to === 'bigint') {
        if (typeof v !== 'bigint') return typeMismatch(`a bigint (read as ${node.item.name})`, v, path);
        return explainEncodeFailure(node.item, Number(v), path);
      }
      if (typeof v !== 'number') return typeMismatch(`a number (written as ${node.item.name})`, v, path);
      if (!Number.isSafeInteger(v))
        return new EncodeError('out-of-range', `${show(v)} is not a safe integer`, path);
      return explainEncodeFailure(node.item, BigInt(v), path);
  }
}

/** Like {@link explainEncodeFailure} but always returns an error (for callers that know the value failed). */
export function encodeFailure(node: SchemaNode, v: unknown, path: string): EncodeError {
  return (
    explainEncodeFailure(node, v, path) ?? new EncodeError('invalid-value', `cannot encode ${show(v)}`, path)
  );
}

/** Joins a parent path and a field name. */
export function fieldPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}
