/**
 * The JSON spelling of default values, so that a default can travel in a descriptor. Each value is
 * spelled by its schema, with no tags:
 * - integers and floats as JSON numbers; the floats JSON cannot spell as the strings `"NaN"`,
 *   `"Infinity"`, `"-Infinity"` and `"-0"`;
 * - 64-bit integers (bigints) as decimal strings: `"18446744073709551615"`;
 * - bytes as lowercase hex strings: `"00ff10"`;
 * - strings, booleans and enum values as themselves; optional absent as `null`;
 * - arrays as arrays, structs as objects, union values as objects with the tag property.
 */
import { isValidPrimitive, primitiveSpec } from '../primitive-specs.js';
import type { SchemaNode } from '../schema-node.js';
import { utf8Length } from '../utf8.js';
import { SchemaError } from './schema-error.js';

const HEX = /^(?:[0-9a-f]{2})*$/;
const PREFIX_MAX = { 1: 0xff, 2: 0xffff, 4: 0xffffffff } as const;

function floatToJson(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return v;
}

function floatFromJson(j: unknown): number | undefined {
  if (typeof j === 'number') return j;
  switch (j) {
    case 'NaN':
      return Number.NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    default:
      return undefined;
  }
}

function hexOf(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** The JSON form of a (valid) value of `node`. */
export function defaultToJson(node: SchemaNode, value: unknown): unknown {
  switch (node.kind) {
    case 'prim': {
      const kind = primitiveSpec(node.name).kind;
      if (kind === 'bigint') return (value as bigint).toString();
      if (kind === 'float') return floatToJson(value as number);
      return value;
    }
    case 'bytes':
      return hexOf(value as Uint8Array);
    case 'array':
      return (value as unknown[]).map((x) => defaultToJson(node.item, x));
    case 'optional':
      return value === undefined || value === null ? null : defaultToJson(node.item, value);
    case 'struct': {
      const o: Record<string, unknown> = {};
      const v = value as Record<string, unknown>;
      for (const f of node.fields) {
        const x = v[f.name];
        if (x !== undefined)
          Object.defineProperty(o, f.name, { value: defaultToJson(f.node, x), enumerable: true });
      }
      return o;
    }
    case 'union': {
      const v = value as Record<string, unknown>;
      const variant = node.variants.find((x) => x.tag === v[node.tagKey]);
      const body = defaultToJson(variant?.node ?? { kind: 'struct', fields: [] }, v) as object;
      return { [node.tagKey]: v[node.tagKey], ...body };
    }
    default:
      return value;
  }
}

function bad(path: string, what: string): SchemaError {
  return new SchemaError('invalid-descriptor', `default ${what}`, path);
}

/** Work left for parsing one default: every value and array item costs one. */
export interface DefaultBudget {
  left: number;
}

function own(o: object, key: string): unknown {
  return Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/**
 * The value a JSON default stands for, checked against `node` (a peer's default is untrusted):
 * throws {@link SchemaError} `invalid-descriptor` naming the path of the first value that does not
 * fit, or `descriptor-too-large` past the budget. Struct values have no prototype, so a field named
 * `__proto__` is an ordinary key.
 */
export function defaultFromJson(node: SchemaNode, j: unknown, path: string, budget: DefaultBudget): unknown {
  if (--budget.left < 0)
    throw new SchemaError('descriptor-too-large', 'default value has too many parts', path);
  switch (node.kind) {
    case 'prim': {
      const spec = primitiveSpec(node.name);
      let v: unknown = j;
      if (spec.kind === 'bigint') {
        v = typeof j === 'string' && /^-?(0|[1-9]\d{0,19})$/.test(j) ? BigInt(j) : undefined;
      } else if (spec.kind === 'float') v = floatFromJson(j);
      if (!isValidPrimitive(spec, v))
        throw bad(path, `${JSON.stringify(j)?.slice(0, 40)} is not a ${node.name}`);
      return v;
    }
    case 'string': {
      if (typeof j !== 'string') throw bad(path, 'must be a string');
      const n = utf8Length(j);
      if (node.length !== undefined ? n > node.length || j.endsWith('\0') : n > PREFIX_MAX[node.prefix])
        throw bad(path, 'string does not fit the field');
      return j;
    }
    case 'bytes': {
      if (typeof j !== 'string' || !HEX.test(j)) throw bad(path, 'must be a lowercase hex string');
      const n = j.length / 2;
      if (n > (node.length ?? PREFIX_MAX[node.prefix])) throw bad(path, 'bytes do not fit the field');
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = Number.parseInt(j.slice(2 * i, 2 * i + 2), 16);
      return out;
    }
    case 'enum': {
      const i = node.values.indexOf(j as never);
      if (i < 0) throw bad(path, `${JSON.stringify(j)?.slice(0, 40)} is not a value of the enum`);
      return node.values[i];
    }
    case 'array': {
      if (!Array.isArray(j)) throw bad(path, 'must be an array');
      if (node.length !== undefined && j.length !== node.length)
        throw bad(path, `must have ${node.length} items`);
      if (j.length > budget.left)
        throw new SchemaError('descriptor-too-large', 'default value has too many parts', path);
      return j.map((x, i) => defaultFromJson(node.item, x, `${path}[${i}]`, budget));
    }
    case 'optional':
      return j === null ? undefined : defaultFromJson(node.item, j, path, budget);
    case 'struct':
      return structFromJson(node.fields, j, path, budget, undefined);
    case 'union': {
      if (typeof j !== 'object' || j === null || Array.isArray(j)) throw bad(path, 'must be an object');
      const tag = own(j, node.tagKey);
      const variant = node.variants.find((x) => x.tag === tag);
      if (variant === undefined) throw bad(path, 'names no variant of the union');
      return structFromJson(variant.node.fields, j, path, budget, node.tagKey);
    }
    default:
      throw bad(path, 'has no JSON form here');
  }
}

function structFromJson(
  fields: readonly { readonly name: string; readonly node: SchemaNode }[],
  j: unknown,
  path: string,
  budget: DefaultBudget,
  tagKey: string | undefined,
): unknown {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) throw bad(path, 'must be an object');
  const o: Record<string, unknown> = Object.create(null);
  if (tagKey !== undefined) o[tagKey] = own(j, tagKey);
  let known = tagKey === undefined ? 0 : 1;
  for (const f of fields) {
    const fp = path === '' ? f.name : `${path}.${f.name}`;
    const present = Object.hasOwn(j, f.name);
    if (present) known++;
    const x = present ? (j as Record<string, unknown>)[f.name] : null;
    if (!present && f.node.kind !== 'optional') throw bad(fp, 'is missing');
    Object.defineProperty(o, f.name, {
      value: defaultFromJson(f.node, x, fp, budget),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  if (Object.keys(j).length !== known) throw bad(path, 'has a key the struct does not');
  return o;
}

/** A deep copy of a default value (objects, arrays and bytes are copied; primitives returned). */
export function copyDefault(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Uint8Array) return value.slice();
  if (Array.isArray(value)) return value.map(copyDefault);
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(value)) o[k] = copyDefault((value as Record<string, unknown>)[k]);
  return o;
}
