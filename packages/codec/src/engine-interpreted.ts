/**
 * The interpreted engine: a plain recursive walk over the schema on every call. It is the slowest
 * and the simplest, the reference the compiled engines are tested against, and what
 * `enablePerformanceImprovements: false` selects.
 */
import { encodeView, viewOf } from './data-view-cache.js';
import {
  budget,
  byteBudgetError,
  type DecodeLimits,
  elementBudgetError,
  lengthError,
  startBudget,
  truncatedError,
} from './decode-limits.js';
import { explainEncodeFailure, fieldPath } from './encode-failure.js';
import type { CompiledCodec } from './engine.js';
import { DecodeError } from './errors.js';
import { primitiveSpec } from './primitive-specs.js';
import { bufferTooSmall, decodeRangeError, encodeOffsetError, isOffset } from './range-errors.js';
import {
  depthOf,
  fixedSizeOf,
  minSizeOf,
  type PrefixWidth,
  type SchemaNode,
  type StructNode,
  type UnionVariant,
} from './schema-node.js';
import { readUtf8, readUtf8Lenient, utf8Length, writeUtf8 } from './utf8.js';

interface Cursor {
  u8: Uint8Array;
  dv: DataView;
  p: number;
  end: number;
}

function check(node: SchemaNode, v: unknown, path: string): void {
  const e = explainEncodeFailure(node, v, path);
  if (e !== undefined) throw e;
}

/** Bytes of the run of fixed-size fields of `node` that starts at field `i`. */
function fixedRunAt(node: StructNode, i: number): number {
  let run = 0;
  for (let j = i; j < node.fields.length; j++) {
    const size = fixedSizeOf(node.fields[j].node);
    if (size === undefined) break;
    run += size;
  }
  return run;
}

function room(c: Cursor, need: number, path: string): void {
  if (c.p + need > c.end) throw bufferTooSmall(need, c.u8, c.p, path);
}

function putPrefix(c: Cursor, width: PrefixWidth, n: number): void {
  if (width === 4) c.dv.setUint32(c.p, n);
  else if (width === 2) c.dv.setUint16(c.p, n);
  else c.dv.setUint8(c.p, n);
  c.p += width;
}

function encodeNode(node: SchemaNode, v: any, c: Cursor, path: string): void {
  check(node, v, path);
  switch (node.kind) {
    case 'prim': {
      const spec = primitiveSpec(node.name);
      room(c, spec.size, path);
      const setter = `set${spec.view}` as 'setUint32';
      if (spec.kind === 'bool') c.dv.setUint8(c.p, v ? 1 : 0);
      else (c.dv[setter] as (p: number, v: unknown, le: boolean) => void)(c.p, v, spec.littleEndian);
      c.p += spec.size;
      return;
    }
    case 'enum': {
      const w = node.wire[node.values.indexOf(v)];
      encodeNode(node.repr, w, c, path);
      return;
    }
    case 'string': {
      const n = utf8Length(v);
      if (node.length !== undefined) {
        room(c, node.length, path);
        writeUtf8(c.u8, c.p, v, c.p + node.length);
        c.u8.fill(0, c.p + n, c.p + node.length);
        c.p += node.length;
      } else {
        room(c, node.prefix + n, path);
        putPrefix(c, node.prefix, n);
        writeUtf8(c.u8, c.p, v, c.p + n);
        c.p += n;
      }
      return;
    }
    case 'bytes': {
      const b = v as Uint8Array;
      if (node.length !== undefined) {
        room(c, node.length, path);
        c.u8.set(b, c.p);
        c.u8.fill(0, c.p + b.length, c.p + node.length);
        c.p += node.length;
      } else {
        room(c, node.prefix + b.length, path);
        putPrefix(c, node.prefix, b.length);
        c.u8.set(b, c.p);
        c.p += b.length;
      }
      return;
    }
    case 'array': {
      const a = v as unknown[];
      if (node.length === undefined) {
        // The prefix and every fixed-size item must fit together, as in the compiled engines.
        room(c, 4 + a.length * (fixedSizeOf(node.item) ?? 0), path);
        putPrefix(c, 4, a.length);
      }
      for (let i = 0; i < a.length; i++) encodeNode(node.item, a[i], c, `${path}[${i}]`);
      return;
    }
    case 'optional':
      if (v === undefined || v === null) {
        room(c, 1, path);
        c.u8[c.p++] = 0;
        return;
      }
      // The flag and a fixed-size item must fit together, as in the compiled engines.
      room(c, 1 + (fixedSizeOf(node.item) ?? 0), path);
      c.u8[c.p++] = 1;
      encodeNode(node.item, v, c, path);
      return;
    case 'struct': {
      // Like the compiled engines, a run of fixed-size fields must fit before any of it is
      // written, and a buffer too small for it names the run's first field.
      let inRun = false;
      for (let i = 0; i < node.fields.length; i++) {
        const f = node.fields[i];
        const fixed = fixedSizeOf(f.node) !== undefined;
        if (fixed && !inRun) room(c, fixedRunAt(node, i), fieldPath(path, f.name));
        inRun = fixed;
        encodeNode(
          f.node,
          f.wireOnly === undefined ? v[f.name] : f.wireOnly.fill,
          c,
          fieldPath(path, f.name),
        );
      }
      return;
    }
    case 'const':
    case 'skip':
      return;
    case 'convert':
      encodeNode(node.item, node.to === 'bigint' ? Number(v) : BigInt(v), c, path);
      return;
    case 'union': {
      const variant = node.variants.find((x) => x.tag === v[node.tagKey]) as UnionVariant;
      // The tag and a fixed-size variant must fit together, as in the compiled engines.
      room(c, (fixedSizeOf(node.repr) as number) + (fixedSizeOf(variant.node) ?? 0), path);
      encodeNode(node.repr, variant.wire, c, fieldPath(path, node.tagKey));
      encodeNode(variant.node, v, c, path);
      return;
    }
  }
}

function sizeNode(node: SchemaNode, v: any, path: string): number {
  const fixed = fixedSizeOf(node);
  if (fixed !== undefined) return fixed;
  check(node, v, path);
  switch (node.kind) {
    case 'string':
      return node.prefix + utf8Length(v);
    case 'bytes':
      return node.prefix + (v as Uint8Array).length;
    case 'array': {
      let total = node.length === undefined ? 4 : 0;
      for (let i = 0; i < v.length; i++) total += sizeNode(node.item, v[i], `${path}[${i}]`);
      return total;
    }
    case 'optional':
      return v === undefined || v === null ? 1 : 1 + sizeNode(node.item, v, path);
    case 'struct': {
      let total = 0;
      for (const f of node.fields)
        total += sizeNode(
          f.node,
          f.wireOnly === undefined ? v[f.name] : f.wireOnly.fill,
          fieldPath(path, f.name),
        );
      return total;
    }
    case 'union': {
      const variant = node.variants.find((x) => x.tag === v[node.tagKey]) as UnionVariant;
      return primitiveSpec(node.repr.name).size + sizeNode(variant.node, v, path);
    }
    default:
      throw new Error('unreachable: fixed-size node without a fixed size');
  }
}

function need(c: Cursor, n: number, path: string): void {
  if (c.p + n > c.end) throw truncatedError(n, c.end - c.p, path, c.p);
}

function takePrefix(c: Cursor, width: PrefixWidth, path: string): number {
  need(c, width, path);
  const n = width === 4 ? c.dv.getUint32(c.p) : width === 2 ? c.dv.getUint16(c.p) : c.dv.getUint8(c.p);
  c.p += width;
  return n;
}

function decodeNode(node: SchemaNode, c: Cursor, path: string, into?: any): unknown {
  switch (node.kind) {
    case 'prim': {
      const spec = primitiveSpec(node.name);
      need(c, spec.size, path);
      const getter = `get${spec.view}` as 'getUint32';
      const v = (c.dv[getter] as (p: number, le: boolean) => unknown)(c.p, spec.littleEndian);
      if (spec.kind === 'bool' && v !== 0 && v !== 1) {
        throw new DecodeError('invalid-value', `bool byte is ${v}, not 0 or 1`, path, c.p);
      }
      c.p += spec.size;
      return spec.kind === 'bool' ? v === 1 : v;
    }
    case 'enum': {
      const start = c.p;
      const w = decodeNode(node.repr, c, path) as number;
      const i = node.wire.indexOf(w);
      if (i < 0) throw new DecodeError('invalid-value', `${w} is not a value of the enum`, path, start);
      return node.values[i];
    }
    case 'string': {
      const start = c.p;
      let n: number;
      let end: number;
      if (node.length !== undefined) {
        need(c, node.length, path);
        n = node.length;
        end = c.p + n;
        while (end > c.p && c.u8[end - 1] === 0) end--;
      } else {
        n = takePrefix(c, node.prefix, path);
        if (n > c.end - c.p) throw lengthError('length', n, c.end - c.p, path, start);
        if ((budget.bytes -= n) < 0) throw byteBudgetError(n, path, start);
        end = c.p + n;
      }
      const s = node.fatal === true ? readUtf8(c.u8, c.p, end) : readUtf8Lenient(c.u8, c.p, end);
      if (s === undefined) throw new DecodeError('invalid-value', 'invalid UTF-8', path, start);
      c.p += n;
      return s;
    }
    case 'bytes': {
      const start = c.p;
      let n: number;
      if (node.length !== undefined) {
        need(c, node.length, path);
        n = node.length;
      } else {
        n = takePrefix(c, node.prefix, path);
        if (n > c.end - c.p) throw lengthError('length', n, c.end - c.p, path, start);
        if ((budget.bytes -= n) < 0) throw byteBudgetError(n, path, start);
      }
      const out = node.copy ? c.u8.slice(c.p, c.p + n) : c.u8.subarray(c.p, c.p + n);
      c.p += n;
      return out;
    }
    case 'array': {
      const start = c.p;
      let n: number;
      if (node.length === undefined) {
        n = takePrefix(c, 4, path);
        if (n * minSizeOf(node.item) > c.end - c.p) throw lengthError('count', n, c.end - c.p, path, start);
      } else {
        n = node.length;
        need(c, n * minSizeOf(node.item), path);
      }
      if ((budget.elements -= n) < 0) throw elementBudgetError(n, path, start);
      const reuse = Array.isArray(into) && into.length === n;
      const out: unknown[] = reuse ? into : new Array(n);
      for (let i = 0; i < n; i++)
        out[i] = decodeNode(node.item, c, `${path}[${i}]`, reuse ? out[i] : undefined);
      return out;
    }
    case 'optional': {
      need(c, 1, path);
      const flag = c.u8[c.p];
      if (flag > 1) throw new DecodeError('invalid-value', `optional flag is ${flag}, not 0 or 1`, path, c.p);
      c.p++;
      if (flag === 0) return undefined;
      // A fixed-size item must fit as a whole before any of it is read, as in the compiled engines.
      const fixed = fixedSizeOf(node.item);
      if (fixed !== undefined) need(c, fixed, path);
      return decodeNode(node.item, c, path);
    }
    case 'union': {
      const tagPath = fieldPath(path, node.tagKey);
      const start = c.p;
      const w = decodeNode(node.repr, c, tagPath);
      const variant = node.variants.find((x) => x.wire === w);
      if (variant === undefined)
        throw new DecodeError('invalid-value', `${w} is not a tag of the union`, tagPath, start);
      const fixed = fixedSizeOf(variant.node);
      if (fixed !== undefined) need(c, fixed, path);
      return Object.assign({ [node.tagKey]: variant.tag }, decodeNode(variant.node, c, path));
    }
    case 'struct': {
      const o: Record<string, unknown> = typeof into === 'object' && into !== null ? into : {};
      // Like the compiled engines, a run of fixed-size fields must fit before any of it is read,
      // so that every engine reports the same error for the same bytes.
      let inRun = false;
      node.fields.forEach((f, i) => {
        const fixed = fixedSizeOf(f.node) !== undefined;
        if (fixed && !inRun) need(c, fixedRunAt(node, i), fieldPath(path, f.name));
        inRun = fixed;
        if (f.wireOnly !== undefined) {
          decodeNode(f.node, c, fieldPath(path, f.name));
          return;
        }
        o[f.name] = decodeNode(
          f.node,
          c,
          fieldPath(path, f.name),
          into === undefined ? undefined : o[f.name],
        );
      });
      return o;
    }
    case 'const':
      return node.fresh === undefined ? node.value : node.fresh();
    case 'skip':
      c.p = node.skip(c.u8, c.dv, 0, c.p, c.end);
      return undefined;
    case 'convert': {
      const x = decodeNode(node.item, c, path) as number | bigint;
      return node.to === 'bigint' ? BigInt(x) : Number(x);
    }
  }
}

/** Compiles nothing: returns functions that walk the schema on every call. */
export function compileInterpreted(node: SchemaNode): CompiledCodec {
  const fixed = fixedSizeOf(node);
  const depth = depthOf(node);
  const encodeInto = (value: unknown, target: Uint8Array, offset = 0): number => {
    if (!isOffset(offset, target.length)) throw encodeOffsetError(target, offset);
    if (fixed !== undefined && offset + fixed > target.length)
      throw bufferTooSmall(fixed, target, offset, '');
    const c: Cursor = { u8: target, dv: viewOf(encodeView, target), p: offset, end: target.length };
    encodeNode(node, value, c, '');
    return c.p - offset;
  };
  const run = (source: Uint8Array, offset: number, end: number, limits?: DecodeLimits, into?: unknown) => {
    if (fixed !== undefined && offset + fixed > end) throw truncatedError(fixed, end - offset, '', offset);
    startBudget(limits, depth);
    const c: Cursor = {
      u8: source,
      dv: new DataView(source.buffer, source.byteOffset, source.byteLength),
      p: offset,
      end,
    };
    const value = decodeNode(node, c, '', into);
    return { value, offset: c.p };
  };
  return {
    fixedSize: fixed,
    encodeInto,
    byteLength: (value) => sizeNode(node, value, ''),
    decode: (source, offset = 0, limits) => {
      if (!isOffset(offset, source.length)) throw decodeRangeError(source, offset, source.length);
      return run(source, offset, source.length, limits).value;
    },
    decodeFrom: (source, offset, end, limits) => {
      if (!isOffset(end, source.length) || !isOffset(offset, end))
        throw decodeRangeError(source, offset, end);
      return run(source, offset, end, limits);
    },
    decodeInto:
      fixed !== undefined && node.kind === 'struct'
        ? (source, offset, target) => {
            if (!isOffset(offset, source.length)) throw decodeRangeError(source, offset, source.length);
            return run(source, offset, source.length, undefined, target ?? {}).value;
          }
        : undefined,
  };
}
