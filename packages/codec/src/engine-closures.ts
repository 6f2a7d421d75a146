/**
 * The closures engine: each schema node becomes a small specialised closure, built once. No `eval`,
 * so it is safe on pages whose Content-Security-Policy forbids it, and nothing is probed at import.
 * Fixed-size parts are bounds-checked once by their container, never per field.
 */

import { READ, readU16, readU32 } from './byte-reads.js';
import { ALL_PRIMITIVES, type PrimitiveClosures } from './closure-primitives.js';
import type { IntoReader, Reader, ReadState, Sizer, Writer } from './closure-types.js';
import { entryPoints } from './closures-entry-points.js';
import { CopySharedTable } from './copy-shared-table.js';
import { budget, byteBudgetError, elementBudgetError, lengthError, truncatedError } from './decode-limits.js';
import {
  explainArray,
  explainBytes,
  explainConvert,
  explainEnum,
  explainPrim,
  explainString,
  explainStruct,
  explainUnion,
  failure,
  fieldPath,
} from './encode-failure.js';
import type { CompiledCodec } from './engine.js';
import { DecodeError, relocateError } from './errors.js';
import { describeArray, describeEnum, describeOptional, describeUnion } from './kind-describers.js';
import { primitiveSpec } from './primitive-specs.js';
import { bufferTooSmall } from './range-errors.js';
import {
  type ArrayNode,
  type BytesNode,
  type ConstNode,
  type ConvertNode,
  depthOf,
  type EnumNode,
  enableDescriber,
  fixedSizeOf,
  minSizeOf,
  type OptionalNode,
  type PrefixWidth,
  type PrimitiveName,
  type PrimNode,
  type SchemaNode,
  type SkipNode,
  type StringNode,
  type StructNode,
  type UnionNode,
  usesBudget,
} from './schema-node.js';
import { unrolledFor } from './struct-sites.js';
import { objectCheckCanWait } from './struct-unrolled.js';
import { NO_ROOM, readUtf8, readUtf8Lenient, utf8Length, writeUtf8 } from './utf8.js';

interface Part {
  fixed: number | undefined;
  write: Writer;
  read: Reader;
  size: Sizer;
  /** Fixed-size structs and arrays: read into an existing object/array. */
  readInto: IntoReader | undefined;
}

type Set = (dv: DataView, p: number, v: any) => void;
type Get = (u8: Uint8Array, p: number) => any;

/** Enum wire numbers (validated before) are written and read through these. */
const SET: Record<PrimitiveName, Set> = {
  u8: (dv, p, v) => dv.setUint8(p, v),
  i8: (dv, p, v) => dv.setInt8(p, v),
  bool: (dv, p, v) => dv.setUint8(p, v ? 1 : 0),
  u16: (dv, p, v) => dv.setUint16(p, v),
  u16le: (dv, p, v) => dv.setUint16(p, v, true),
  i16: (dv, p, v) => dv.setInt16(p, v),
  i16le: (dv, p, v) => dv.setInt16(p, v, true),
  u32: (dv, p, v) => dv.setUint32(p, v),
  u32le: (dv, p, v) => dv.setUint32(p, v, true),
  i32: (dv, p, v) => dv.setInt32(p, v),
  i32le: (dv, p, v) => dv.setInt32(p, v, true),
  f32: (dv, p, v) => dv.setFloat32(p, v),
  f32le: (dv, p, v) => dv.setFloat32(p, v, true),
  f64: (dv, p, v) => dv.setFloat64(p, v),
  f64le: (dv, p, v) => dv.setFloat64(p, v, true),
  u64: (dv, p, v) => dv.setBigUint64(p, v),
  u64le: (dv, p, v) => dv.setBigUint64(p, v, true),
  i64: (dv, p, v) => dv.setBigInt64(p, v),
  i64le: (dv, p, v) => dv.setBigInt64(p, v, true),
};

const GET: Record<PrimitiveName, Get> = READ as Record<PrimitiveName, Get>;

const PREFIX_MAX = { 1: 0xff, 2: 0xffff, 4: 0xffffffff } as const;

function writePrefix(width: PrefixWidth, dv: DataView, p: number, n: number): void {
  if (width === 4) dv.setUint32(p, n);
  else if (width === 2) dv.setUint16(p, n);
  else dv.setUint8(p, n);
}

function readPrefix(width: PrefixWidth, u8: Uint8Array, p: number): number {
  return width === 4 ? readU32(u8, p) : width === 2 ? readU16(u8, p) : u8[p];
}

function closuresOf(node: PrimNode, path: string): PrimitiveClosures {
  const closures = primitives.get(node.name);
  if (closures === undefined) {
    // A bug in @bp/codec, not in the schema: the maker of this node did not enable its primitive.
    throw new TypeError(`closures engine: ${node.name} is not enabled (${path || 'root'})`);
  }
  return closures;
}

function compilePrim(node: PrimNode, path: string): Part {
  const size = primitiveSpec(node.name).size;
  const closures = closuresOf(node, path);
  const write = closures.write((v) => {
    throw failure(explainPrim(node, v, path), v, path);
  });
  const read = closures.read((b, at) => {
    throw new DecodeError('invalid-value', `bool byte is ${b}, not 0 or 1`, path, at);
  });
  return { fixed: size, write, read, size: () => size, readInto: undefined };
}

function compileEnum(node: EnumNode, path: string): Part {
  const size = primitiveSpec(node.repr.name).size;
  const set = SET[node.repr.name];
  const get = GET[node.repr.name];
  const toWire = new Map<unknown, number>(node.values.map((v, i) => [v, node.wire[i]]));
  const fromWire = new Map<number, number | string>(node.wire.map((w, i) => [w, node.values[i]]));
  const write: Writer = (v, _t, dv, p) => {
    const w = toWire.get(v);
    if (w === undefined) throw failure(explainEnum(node, v, path), v, path);
    set(dv, p, w);
    return p + size;
  };
  const read: Reader = (s) => {
    const w = get(s.u8, s.p);
    const v = fromWire.get(w);
    if (v === undefined) throw new DecodeError('invalid-value', `${w} is not a value of the enum`, path, s.p);
    s.p += size;
    return v;
  };
  return { fixed: size, write, read, size: () => size, readInto: undefined };
}

function compileString(node: StringNode, path: string): Part {
  const fixed = node.length;
  const decodeText = node.fatal === true ? readUtf8 : readUtf8Lenient;
  if (fixed !== undefined) {
    const write: Writer = (v, t, _dv, p) => {
      if (typeof v !== 'string' || v.charCodeAt(v.length - 1) === 0)
        throw failure(explainString(node, v, path), v, path);
      const w = writeUtf8(t, p, v, p + fixed);
      if (w < 0) throw failure(explainString(node, v, path), v, path);
      t.fill(0, p + w, p + fixed);
      return p + fixed;
    };
    const read: Reader = (s) => {
      const start = s.p;
      const u8 = s.u8;
      let e = start + fixed;
      while (e > start && u8[e - 1] === 0) e--;
      const str = decodeText(u8, start, e);
      if (str === undefined) throw new DecodeError('invalid-value', 'invalid UTF-8', path, start);
      s.p = start + fixed;
      return str;
    };
    return { fixed, write, read, size: () => fixed, readInto: undefined };
  }
  const width = node.prefix;
  const max = PREFIX_MAX[width];
  const write: Writer = (v, t, dv, p) => {
    if (typeof v !== 'string') throw failure(explainString(node, v, path), v, path);
    const start = p + width;
    const w = writeUtf8(t, start, v, t.length);
    if (w === NO_ROOM) throw bufferTooSmall(width + utf8Length(v), t, p, path);
    if (w < 0 || w > max) throw failure(explainString(node, v, path), v, path);
    writePrefix(width, dv, p, w);
    return start + w;
  };
  const read: Reader = (s) => {
    const p = s.p;
    if (p + width > s.end) throw truncatedError(width, s.end - p, path, p);
    const n = readPrefix(width, s.u8, p);
    const start = p + width;
    if (n > s.end - start) throw lengthError('length', n, s.end - start, path, p);
    if ((budget.bytes -= n) < 0) throw byteBudgetError(n, path, p);
    const str = decodeText(s.u8, start, start + n);
    if (str === undefined) throw new DecodeError('invalid-value', 'invalid UTF-8', path, p);
    s.p = start + n;
    return str;
  };
  const size: Sizer = (v) => {
    if (typeof v !== 'string') throw failure(explainString(node, v, path), v, path);
    return width + utf8Length(v);
  };
  return { fixed: undefined, write, read, size, readInto: undefined };
}

function compileBytes(node: BytesNode, path: string): Part {
  const fixed = node.length;
  const copy = node.copy;
  if (fixed !== undefined) {
    const write: Writer = (v, t, _dv, p) => {
      if (!(v instanceof Uint8Array) || v.length > fixed) throw failure(explainBytes(node, v, path), v, path);
      t.set(v, p);
      t.fill(0, p + v.length, p + fixed);
      return p + fixed;
    };
    const read: Reader = (s) => {
      const p = s.p;
      s.p = p + fixed;
      return copy ? s.u8.slice(p, p + fixed) : s.u8.subarray(p, p + fixed);
    };
    return { fixed, write, read, size: () => fixed, readInto: undefined };
  }
  const width = node.prefix;
  const max = PREFIX_MAX[width];
  const write: Writer = (v, t, dv, p) => {
    if (!(v instanceof Uint8Array) || v.length > max) throw failure(explainBytes(node, v, path), v, path);
    const n = v.length;
    if (p + width + n > t.length) throw bufferTooSmall(width + n, t, p, path);
    writePrefix(width, dv, p, n);
    t.set(v, p + width);
    return p + width + n;
  };
  const read: Reader = (s) => {
    const p = s.p;
    if (p + width > s.end) throw truncatedError(width, s.end - p, path, p);
    const n = readPrefix(width, s.u8, p);
    const start = p + width;
    if (n > s.end - start) throw lengthError('length', n, s.end - start, path, p);
    if ((budget.bytes -= n) < 0) throw byteBudgetError(n, path, p);
    s.p = start + n;
    return copy ? s.u8.slice(start, start + n) : s.u8.subarray(start, start + n);
  };
  const size: Sizer = (v) => {
    if (!(v instanceof Uint8Array)) throw failure(explainBytes(node, v, path), v, path);
    return width + v.length;
  };
  return { fixed: undefined, write, read, size, readInto: undefined };
}

function compileArray(node: ArrayNode, path: string): Part {
  const itemPath = `${path}[]`;
  const item = compileNode(node.item, itemPath);
  const itemWrite = item.write;
  const itemRead = item.read;
  const itemFixed = item.fixed;
  const count = node.length;
  const minItem = minSizeOf(node.item);
  const fixed = count !== undefined && itemFixed !== undefined ? count * itemFixed : undefined;
  const header = count === undefined ? 4 : 0;

  const write: Writer = (v, t, dv, p) => {
    if (!Array.isArray(v) || (count !== undefined && v.length !== count))
      throw failure(explainArray(node, v, path), v, path);
    const n = v.length;
    if (fixed === undefined) {
      const need = header + (itemFixed === undefined ? 0 : n * itemFixed);
      if (p + need > t.length) throw bufferTooSmall(need, t, p, path);
      if (header !== 0) dv.setUint32(p, n);
      p += header;
    }
    let i = 0;
    try {
      for (; i < n; i++) p = itemWrite(v[i], t, dv, p);
    } catch (e) {
      throw relocateError(e, itemPath, `${path}[${i}]`);
    }
    return p;
  };

  const readItems = (s: ReadState, n: number, out: unknown[]): unknown[] => {
    let i = 0;
    try {
      for (; i < n; i++) out[i] = itemRead(s);
    } catch (e) {
      throw relocateError(e, itemPath, `${path}[${i}]`);
    }
    return out;
  };

  const read: Reader = (s) => {
    let n: number;
    const p = s.p;
    if (count === undefined) {
      if (p + 4 > s.end) throw truncatedError(4, s.end - p, path, p);
      n = readU32(s.u8, p);
      s.p = p + 4;
      if (n * minItem > s.end - s.p) throw lengthError('count', n, s.end - s.p, path, p);
    } else {
      n = count;
      if (fixed === undefined && n * minItem > s.end - p)
        throw truncatedError(n * minItem, s.end - p, path, p);
    }
    if ((budget.elements -= n) < 0) throw elementBudgetError(n, path, p);
    return readItems(s, n, new Array(n));
  };

  const size: Sizer =
    fixed !== undefined
      ? () => fixed
      : (v) => {
          if (!Array.isArray(v)) throw failure(explainArray(node, v, path), v, path);
          if (itemFixed !== undefined) return header + v.length * itemFixed;
          let total = header;
          let i = 0;
          try {
            for (; i < v.length; i++) total += item.size(v[i]);
          } catch (e) {
            throw relocateError(e, itemPath, `${path}[${i}]`);
          }
          return total;
        };

  let readInto: IntoReader | undefined;
  if (fixed !== undefined) {
    const itemInto = item.readInto;
    readInto = (s, target) => {
      if ((budget.elements -= count as number) < 0) throw elementBudgetError(count as number, path, s.p);
      if (!Array.isArray(target) || target.length !== count)
        return readItems(s, count as number, new Array(count));
      if (itemInto === undefined) return readItems(s, count as number, target);
      let i = 0;
      try {
        for (; i < (count as number); i++) target[i] = itemInto(s, target[i]);
      } catch (e) {
        throw relocateError(e, itemPath, `${path}[${i}]`);
      }
      return target;
    };
  }
  return { fixed, write, read, size, readInto };
}

function compileOptional(node: OptionalNode, path: string): Part {
  const item = compileNode(node.item, path);
  const itemFixed = item.fixed;
  const write: Writer = (v, t, dv, p) => {
    if (v === undefined || v === null) {
      if (p + 1 > t.length) throw bufferTooSmall(1, t, p, path);
      t[p] = 0;
      return p + 1;
    }
    const need = 1 + (itemFixed ?? 0);
    if (p + need > t.length) throw bufferTooSmall(need, t, p, path);
    t[p] = 1;
    return item.write(v, t, dv, p + 1);
  };
  const read: Reader = (s) => {
    const p = s.p;
    if (p + 1 > s.end) throw truncatedError(1, s.end - p, path, p);
    const flag = s.u8[p];
    s.p = p + 1;
    if (flag === 0) return undefined;
    if (flag !== 1) throw new DecodeError('invalid-value', `optional flag is ${flag}, not 0 or 1`, path, p);
    if (itemFixed !== undefined && p + 1 + itemFixed > s.end)
      throw truncatedError(itemFixed, s.end - p - 1, path, p + 1);
    return item.read(s);
  };
  const size: Sizer = (v) => (v === undefined || v === null ? 1 : 1 + item.size(v));
  return { fixed: undefined, write, read, size, readInto: undefined };
}

function compileStruct(node: StructNode, path: string): Part {
  const names = node.fields.map((f) => f.name);
  const parts = node.fields.map((f) => compileNode(f.node, fieldPath(path, f.name)));
  // Resolved codecs only: wire-only fields write the peer's default and are dropped when read.
  const keep = node.fields.map((f) => f.wireOnly === undefined);
  const wireOnly = keep.includes(false);
  const writers = parts.map((p, i): Writer => {
    const w = p.write;
    const fill = node.fields[i].wireOnly?.fill;
    return keep[i] ? w : (_v, t, dv, at) => w(fill, t, dv, at);
  });
  const readers = parts.map((p) => p.read);
  const n = parts.length;
  const fixed = fixedSizeOf(node);
  // Size of the run of fixed-size fields starting at each field (0 inside a run or at a variable
  // field): the container checks bounds once per run, not once per field.
  const runs = new Array<number>(n).fill(0);
  for (let i = 0; i < n; ) {
    if (parts[i].fixed === undefined) {
      i++;
      continue;
    }
    let j = i;
    let run = 0;
    while (j < n && parts[j].fixed !== undefined) run += parts[j++].fixed as number;
    runs[i] = run;
    i = j;
  }

  // Fixed-size structs are bounds-checked whole by their container: no run checks inside.
  const checks = fixed === undefined ? runs : runs.map(() => 0);
  const notObject = (v: unknown): never => {
    throw failure(explainStruct(node, v, path), v, path);
  };
  const { unrolledWriter, unrolledReader } = unrolledFor(names);
  const first = node.fields[0]?.node;
  const f32Struct =
    !wireOnly &&
    first?.kind === 'prim' &&
    node.fields.every((f) => f.node.kind === 'prim' && (f.node.name === 'f32' || f.node.name === 'f32le')) &&
    objectCheckCanWait(names)
      ? closuresOf(first, path).f32Struct
      : undefined;
  const unrolledWrite =
    (f32Struct !== undefined
      ? f32Struct(
          names,
          node.fields.map((f) => (f.node as PrimNode).name === 'f32le'),
          notObject,
          (v) => {
            if (typeof v !== 'object') notObject(v);
            for (const f of node.fields) {
              const e = explainPrim(f.node as PrimNode, v[f.name], fieldPath(path, f.name));
              if (e !== undefined) throw e;
            }
          },
        )
      : undefined) ??
    unrolledWriter(names, writers, checks, notObject, (i, t, p) => {
      throw bufferTooSmall(runs[i], t, p, fieldPath(path, names[i]));
    });
  const unrolledRead = wireOnly
    ? undefined
    : unrolledReader(names, readers, checks, (i, s) => {
        throw truncatedError(runs[i], s.end - s.p, fieldPath(path, names[i]), s.p);
      });

  const write: Writer =
    unrolledWrite ??
    (fixed !== undefined
      ? (v, t, dv, p) => {
          if (typeof v !== 'object' || v === null) throw failure(explainStruct(node, v, path), v, path);
          for (let i = 0; i < n; i++) p = writers[i](v[names[i]], t, dv, p);
          return p;
        }
      : (v, t, dv, p) => {
          if (typeof v !== 'object' || v === null) throw failure(explainStruct(node, v, path), v, path);
          for (let i = 0; i < n; i++) {
            const run = runs[i];
            if (run !== 0 && p + run > t.length) throw bufferTooSmall(run, t, p, fieldPath(path, names[i]));
            p = writers[i](v[names[i]], t, dv, p);
          }
          return p;
        });

  const read: Reader =
    unrolledRead ??
    (fixed !== undefined
      ? (s) => {
          const o: Record<string, unknown> = {};
          for (let i = 0; i < n; i++) {
            const x = readers[i](s);
            if (keep[i]) o[names[i]] = x;
          }
          return o;
        }
      : (s) => {
          const o: Record<string, unknown> = {};
          for (let i = 0; i < n; i++) {
            const run = runs[i];
            if (run !== 0 && s.p + run > s.end)
              throw truncatedError(run, s.end - s.p, fieldPath(path, names[i]), s.p);
            const x = readers[i](s);
            if (keep[i]) o[names[i]] = x;
          }
          return o;
        });

  const size: Sizer =
    fixed !== undefined
      ? () => fixed
      : (v) => {
          if (typeof v !== 'object' || v === null) throw failure(explainStruct(node, v, path), v, path);
          let total = 0;
          for (let i = 0; i < n; i++)
            total += parts[i].size(keep[i] ? v[names[i]] : node.fields[i].wireOnly?.fill);
          return total;
        };

  let readInto: IntoReader | undefined;
  if (fixed !== undefined) {
    const intos = parts.map((p) => p.readInto);
    readInto = (s, target) => {
      const o = typeof target === 'object' && target !== null ? target : {};
      for (let i = 0; i < n; i++) {
        const into = intos[i];
        if (!keep[i]) readers[i](s);
        else o[names[i]] = into === undefined ? readers[i](s) : into(s, o[names[i]]);
      }
      return o;
    };
  }
  return { fixed, write, read, size, readInto };
}

function compileUnion(node: UnionNode, path: string): Part {
  const tagKey = node.tagKey;
  const tagPath = fieldPath(path, tagKey);
  const size = primitiveSpec(node.repr.name).size;
  const set = SET[node.repr.name];
  const get = GET[node.repr.name];
  const tags = node.variants.map((v) => v.tag);
  const wires = node.variants.map((v) => v.wire);
  const byTag = new Map<unknown, number>(tags.map((t, i) => [t, i]));
  const byWire = new Map<number, number>(wires.map((w, i) => [w, i]));
  const parts = node.variants.map((v) => compileStruct(v.node, path));

  const write: Writer = (v, t, dv, p) => {
    const i = typeof v === 'object' && v !== null ? byTag.get(v[tagKey]) : undefined;
    if (i === undefined) throw failure(explainUnion(node, v, path), v, path);
    const part = parts[i];
    const need = size + (part.fixed ?? 0);
    if (p + need > t.length) throw bufferTooSmall(need, t, p, path);
    set(dv, p, wires[i]);
    return part.write(v, t, dv, p + size);
  };
  const read: Reader = (s) => {
    const p = s.p;
    if (p + size > s.end) throw truncatedError(size, s.end - p, tagPath, p);
    const w = get(s.u8, p);
    const i = byWire.get(w);
    if (i === undefined) throw new DecodeError('invalid-value', `${w} is not a tag of the union`, tagPath, p);
    s.p = p + size;
    const part = parts[i];
    if (part.fixed !== undefined && s.p + part.fixed > s.end) {
      throw truncatedError(part.fixed, s.end - s.p, path, s.p);
    }
    return Object.assign({ [tagKey]: tags[i] }, part.read(s));
  };
  const sizer: Sizer = (v) => {
    const i = typeof v === 'object' && v !== null ? byTag.get(v[tagKey]) : undefined;
    if (i === undefined) throw failure(explainUnion(node, v, path), v, path);
    return size + parts[i].size(v);
  };
  return { fixed: undefined, write, read, size: sizer, readInto: undefined };
}

type KindCompiler<K extends SchemaNode['kind']> = (
  node: Extract<SchemaNode, { kind: K }>,
  path: string,
) => Part;

/**
 * The compilers this engine knows. Every schema has structs and primitives; the other kinds are
 * added by whatever makes such nodes (`array()` calls {@link enableArrays}, and so on), so that a
 * bundle holds only the compilers of the kinds its app uses: a switch over every kind here kept
 * all of them in every browser bundle.
 */
const kinds = new CopySharedTable<SchemaNode['kind'], (node: SchemaNode, path: string) => Part>(
  '@bp/codec/closure-kinds',
);

function enable<K extends SchemaNode['kind']>(kind: K, compile: KindCompiler<K>): void {
  kinds.set(kind, compile as (node: SchemaNode, path: string) => Part);
}
enable('prim', compilePrim);
enable('struct', compileStruct);

type PrimitiveTable = Partial<Record<PrimitiveName, PrimitiveClosures>>;

/**
 * The writers and readers of the primitives this engine knows, added by what makes their nodes
 * (each primitive codec its own, a header format the integers, a descriptor every one), so that a
 * bundle holds only those of the primitives its app uses.
 */
const primitives = new CopySharedTable<PrimitiveName, PrimitiveClosures>('@bp/codec/closure-primitives');

/** Lets the engine compile the nodes of the primitives in `table` (called by every maker of them). */
export function enablePrimitives(table: PrimitiveTable): void {
  for (const name of Object.keys(table) as PrimitiveName[])
    primitives.set(name, table[name] as PrimitiveClosures);
}

/** Lets the engine compile array nodes (called by every maker of them). */
export function enableArrays(): void {
  enable('array', compileArray);
  enableDescriber('array', describeArray);
}
/** Lets the engine compile optional nodes. */
export function enableOptionals(): void {
  enable('optional', compileOptional);
  enableDescriber('optional', describeOptional);
}
/** Lets the engine compile enum nodes. */
export function enableEnums(): void {
  enable('enum', compileEnum);
  enableDescriber('enum', describeEnum);
}
/** Lets the engine compile union nodes. */
export function enableUnions(): void {
  enable('union', compileUnion);
  enableDescriber('union', describeUnion);
}
/** Lets the engine compile string nodes. */
export function enableStrings(): void {
  enable('string', compileString);
}
/** Lets the engine compile bytes nodes. */
export function enableBytes(): void {
  enable('bytes', compileBytes);
}
/**
 * Every kind, including those only resolved codecs have: for schemas that come from a descriptor
 * (any kind may be in it) and for schema resolution.
 */
export function enableAllKinds(): void {
  enablePrimitives(ALL_PRIMITIVES);
  enableArrays();
  enableOptionals();
  enableEnums();
  enableUnions();
  enableStrings();
  enableBytes();
  enable('const', compileConst);
  enable('convert', compileConvert);
  enable('skip', compileSkip);
}

function compileNode(node: SchemaNode, path: string): Part {
  const compile = kinds.get(node.kind);
  if (compile === undefined) {
    // A bug in @bp/codec, not in the schema: the maker of this node did not enable its kind.
    throw new TypeError(`closures engine: ${node.kind} nodes are not enabled (${path || 'root'})`);
  }
  return compile(node, path);
}

/** Resolved codecs only: a reader's default for a field the peer lacks, no bytes on the wire. */
function compileConst(node: ConstNode): Part {
  const { value, fresh } = node;
  const read: Reader = fresh === undefined ? () => value : fresh;
  return { fixed: 0, write: (_v, _t, _dv, p) => p, read, size: () => 0, readInto: undefined };
}

/** Resolved codecs only: a run of fields only the peer has, stepped over by its skipper. */
function compileSkip(node: SkipNode): Part {
  const skip = node.skip;
  // Skippers read only the bytes (schema-node.ts, Skipper): no DataView per input buffer.
  const view = new DataView(new ArrayBuffer(0));
  const read: Reader = (s) => {
    s.p = skip(s.u8, view, 0, s.p, s.end);
    return undefined;
  };
  return {
    fixed: fixedSizeOf(node),
    write: (_v, _t, _dv, p) => p,
    read,
    size: () => 0,
    readInto: undefined,
  };
}

/** Resolved codecs only: an integer whose wire type and value type differ (i32 on the wire, bigint seen). */
function compileConvert(node: ConvertNode, path: string): Part {
  const item = compilePrim(node.item, path);
  const w = item.write;
  const r = item.read;
  const fail = (v: unknown): never => {
    throw failure(explainConvert(node, v, path), v, path);
  };
  const write: Writer =
    node.to === 'bigint'
      ? (v, t, dv, p) => (typeof v === 'bigint' ? w(Number(v), t, dv, p) : fail(v))
      : (v, t, dv, p) => (Number.isSafeInteger(v) ? w(BigInt(v), t, dv, p) : fail(v));
  const read: Reader = node.to === 'bigint' ? (s) => BigInt(r(s) as number) : (s) => Number(r(s));
  return { ...item, write, read };
}

/** Compiles a schema node into closures. */
export function compileClosures(node: SchemaNode): CompiledCodec {
  const part = compileNode(node, '');
  const into = node.kind === 'struct' ? part.readInto : undefined;
  return entryPoints(part.fixed, part.write, part.read, part.size, into, usesBudget(node), depthOf(node));
}
