/**
 * The one walk behind `checkCompatibility` and `resolve`: a writer's schema against a reader's,
 * Avro's resolution rules adapted to bp's kinds. For each pair it reports what breaks and builds
 * two nodes in the writer's layout: `dec` reads writer bytes into reader-shaped values, `enc`
 * writes reader-shaped values as writer bytes. Writer nodes may come from a peer: their strings
 * are only compared here and never end up in the nodes built (see safe-layout.ts).
 */
import { primitiveSpec } from '../primitive-specs.js';
import {
  type ArrayNode,
  type BytesNode,
  type EnumNode,
  metaOf,
  type PrimitiveName,
  type PrimNode,
  type SchemaNode,
  type StringNode,
  type StructField,
  type StructNode,
  type UnionNode,
  type UnionVariant,
} from '../schema-node.js';
import type { CompatibilityIssue, CompatibilityRule } from './compatibility-issue.js';
import { copyDefault } from './default-json.js';
import { fillBytes, safeLayout, safeName } from './safe-layout.js';
import { compileSkipper, skipsFree } from './skip.js';

/** Where issues go while walking. */
export interface MatchContext {
  readonly issues: CompatibilityIssue[];
}

/** The two nodes of a resolved pair. */
export interface Resolved {
  readonly dec: SchemaNode;
  readonly enc: SchemaNode;
}

const PREFIX_MAX = { 1: 0xff, 2: 0xffff, 4: 0xffffffff } as const;

function issue(cx: MatchContext, path: string, rule: CompatibilityRule, message: string): undefined {
  cx.issues.push({ path, rule, message });
  return undefined;
}

function at(path: string): string {
  return path === '' ? 'the root' : path;
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v) : String(v);
}

function kindName(node: SchemaNode): string {
  return node.kind === 'prim' ? node.name : node.kind;
}

/** Lossless number pairs: can every value of writer type `w` be held by reader type `r`? */
function numberFits(w: PrimitiveName, r: PrimitiveName): boolean {
  const ws = primitiveSpec(w);
  const rs = primitiveSpec(r);
  if (ws.kind === 'float') return rs.kind === 'float' && rs.size >= ws.size;
  if (rs.kind === 'float') {
    // Integers are exact in a float up to 2^24 (f32) or 2^53 (f64).
    if (ws.kind !== 'int') return false;
    const limit = rs.size === 4 ? 2 ** 24 : 2 ** 53;
    return (ws.max as number) <= limit && -(ws.min as number) <= limit;
  }
  return BigInt(ws.min) >= BigInt(rs.min) && BigInt(ws.max) <= BigInt(rs.max);
}

function matchPrim(w: PrimNode, r: PrimNode, path: string, cx: MatchContext): Resolved | undefined {
  const wk = primitiveSpec(w.name).kind;
  const rk = primitiveSpec(r.name).kind;
  if ((wk === 'bool') !== (rk === 'bool')) {
    return issue(cx, path, 'type-changed', `${at(path)} was ${w.name} and is now ${r.name}`);
  }
  if (!numberFits(w.name, r.name)) {
    return issue(
      cx,
      path,
      'number-narrowed',
      `${at(path)} was ${w.name} and is now ${r.name}, which cannot hold every ${w.name} value: widen it instead (u8 -> u16 -> u32 -> u64, uN -> i2N, f32 -> f64)`,
    );
  }
  const wire: PrimNode = { kind: 'prim', name: w.name };
  if (rk === 'bigint' && wk !== 'bigint') {
    const node: SchemaNode = { kind: 'convert', item: wire, to: 'bigint' };
    return { dec: node, enc: node };
  }
  return { dec: wire, enc: wire };
}

/** Reverse pairs only matter when encoding for the writer: a number written where it wants a bigint. */
function encodeOnlyPrim(w: PrimNode, r: PrimNode): SchemaNode {
  const wk = primitiveSpec(w.name).kind;
  const rk = primitiveSpec(r.name).kind;
  const wire: PrimNode = { kind: 'prim', name: w.name };
  if (wk === 'bigint' && (rk === 'int' || rk === 'float'))
    return { kind: 'convert', item: wire, to: 'number' };
  if (rk === 'bigint' && wk === 'int') return { kind: 'convert', item: wire, to: 'bigint' };
  return wire;
}

function matchText(
  w: StringNode | BytesNode,
  r: StringNode | BytesNode,
  path: string,
  cx: MatchContext,
): Resolved | undefined {
  if (r.length !== undefined) {
    if (w.length !== r.length) {
      const was = w.length === undefined ? `length-prefixed (${w.prefix * 8}-bit)` : `${w.length} bytes`;
      return issue(
        cx,
        path,
        'fixed-length',
        `${at(path)} was ${r.kind} of ${was} and is now exactly ${r.length} bytes`,
      );
    }
  } else if ((w.length ?? PREFIX_MAX[w.prefix]) > PREFIX_MAX[r.prefix]) {
    return issue(
      cx,
      path,
      'length-prefix',
      `${at(path)} had a ${w.length === undefined ? `${w.prefix * 8}-bit length prefix` : `fixed length of ${w.length}`}; its ${r.prefix * 8}-bit prefix cannot count every value: keep it or widen it`,
    );
  }
  // Decoding follows the writer's layout and the reader's choices (fatal UTF-8, copied bytes).
  const enc: SchemaNode =
    w.kind === 'string'
      ? { kind: 'string', length: w.length, prefix: w.prefix }
      : { kind: 'bytes', length: w.length, prefix: w.prefix, copy: false };
  const dec: SchemaNode =
    r.kind === 'string'
      ? { kind: 'string', length: w.length, prefix: w.prefix, fatal: r.fatal }
      : { kind: 'bytes', length: w.length, prefix: w.prefix, copy: (r as BytesNode).copy };
  return { dec, enc };
}

function matchArray(w: ArrayNode, r: ArrayNode, path: string, cx: MatchContext): Resolved | undefined {
  const item = matchNodes(w.item, r.item, `${path}[]`, cx);
  if (r.length !== undefined && w.length !== r.length) {
    const was = w.length === undefined ? 'of any length' : `of exactly ${w.length}`;
    return issue(
      cx,
      path,
      'fixed-length',
      `${at(path)} was an array ${was} and now holds exactly ${r.length} items`,
    );
  }
  if (item === undefined) return undefined;
  return {
    dec: { kind: 'array', item: item.dec, length: w.length },
    enc: { kind: 'array', item: item.enc, length: w.length },
  };
}

function matchEnum(w: EnumNode, r: EnumNode, path: string, cx: MatchContext): Resolved | undefined {
  const decValues: (number | string)[] = [];
  const decWire: number[] = [];
  let ok = true;
  w.values.forEach((value, i) => {
    const known = r.values.includes(value);
    if (!known && r.fallback === undefined) {
      ok = false;
      issue(
        cx,
        path,
        'enum-member-unknown',
        `${at(path)}: the writer's member ${show(value)} is not a member here and the enum declares no fallback: add it, or declare enumeration(..., { fallback })`,
      );
      return;
    }
    decValues.push(known ? value : (r.fallback as number | string));
    decWire.push(w.wire[i]);
  });
  if (!ok) return undefined;
  // Encoding for the writer: its wire number for each value it knows, else its own fallback.
  const encValues: (number | string)[] = [];
  const encWire: number[] = [];
  const fallbackWire = w.fallback === undefined ? undefined : w.wire[w.values.indexOf(w.fallback)];
  for (const value of r.values) {
    const i = w.values.indexOf(value);
    const wire = i >= 0 ? w.wire[i] : fallbackWire;
    if (wire === undefined) continue;
    encValues.push(value);
    encWire.push(wire);
  }
  return {
    dec: { kind: 'enum', repr: w.repr, values: decValues, wire: decWire },
    enc: { kind: 'enum', repr: w.repr, values: encValues, wire: encWire },
  };
}

/** Which writer field each reader field reads: its name, then its aliases, then writer aliases naming it. */
function pairFields(w: StructNode, r: StructNode): (number | undefined)[] {
  const byName = new Map<string, number>();
  w.fields.forEach((f, i) => {
    byName.set(f.name, i);
  });
  const taken = new Set<number>();
  const out: (number | undefined)[] = r.fields.map((f) => {
    const i = byName.get(f.name);
    if (i !== undefined) taken.add(i);
    return i;
  });
  const free = (i: number | undefined) => i !== undefined && !taken.has(i);
  r.fields.forEach((f, j) => {
    if (out[j] !== undefined) return;
    let i = (metaOf(f.node).aliases ?? []).map((a) => byName.get(a)).find(free);
    if (i === undefined)
      i = w.fields.findIndex((wf, k) => !taken.has(k) && (metaOf(wf.node).aliases ?? []).includes(f.name));
    if (i !== undefined && i >= 0) {
      taken.add(i);
      out[j] = i;
    }
  });
  return out;
}

function fieldPath(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/**
 * The bytes a writer-only field is filled with when encoding for the writer: its default, or
 * absent when optional; undefined when it has neither (encoding then fails with missing-field).
 */
function fillOf(f: StructField): Uint8Array | undefined {
  const meta = metaOf(f.node);
  if (meta.default !== undefined) return fillBytes(f.node, meta.default.value);
  return f.node.kind === 'optional' ? new Uint8Array(1) : undefined;
}

/** Runs of writer-only fields become one step over their bytes (one call, or none when fixed-size). */
function mergeSkips(fields: StructField[], path: string): StructField[] {
  const out: StructField[] = [];
  for (let i = 0; i < fields.length; ) {
    if (fields[i].wireOnly === undefined) {
      out.push(fields[i++]);
      continue;
    }
    const run: StructField[] = [];
    while (i < fields.length && fields[i].wireOnly !== undefined) run.push(fields[i++]);
    const item: SchemaNode =
      run.length === 1
        ? run[0].node
        : { kind: 'struct', fields: run.map(({ name, node }) => ({ name, node })) };
    const at = run.length === 1 ? fieldPath(path, run[0].name) : path;
    const skip: SchemaNode = {
      kind: 'skip',
      item,
      skip: compileSkipper(item, at),
      path: at,
      free: skipsFree(item),
    };
    out.push({ name: run[0].name, node: skip, wireOnly: { fill: undefined } });
  }
  return out;
}

/**
 * Runs of writer-only fields with fills become constant bytes written at once: short runs as
 * u32/u16/u8 words (a few stores), long ones as one fixed-length block (one copy).
 */
function mergeFills(fields: StructField[]): StructField[] {
  const out: StructField[] = [];
  let run: { name: string; bytes: number[] } | undefined;
  const flush = () => {
    if (run !== undefined) out.push(...constantBytes(run.name, Uint8Array.from(run.bytes)));
    run = undefined;
  };
  for (const f of fields) {
    const fill = f.wireOnly?.fill;
    if (!(fill instanceof Uint8Array)) {
      flush();
      out.push(f);
      continue;
    }
    run ??= { name: f.name, bytes: [] };
    for (const b of fill) run.bytes.push(b);
  }
  flush();
  return out;
}

const WORDS: readonly [number, 'u32' | 'u16' | 'u8'][] = [
  [4, 'u32'],
  [2, 'u16'],
  [1, 'u8'],
];

function constantBytes(name: string, bytes: Uint8Array): StructField[] {
  if (bytes.length > 16) return [{ name, node: blockOf(bytes.length), wireOnly: { fill: bytes } }];
  const view = new DataView(bytes.buffer);
  const out: StructField[] = [];
  for (let p = 0; p < bytes.length; ) {
    const [size, prim] = WORDS.find(([n]) => p + n <= bytes.length) as (typeof WORDS)[number];
    const fill = size === 4 ? view.getUint32(p) : size === 2 ? view.getUint16(p) : view.getUint8(p);
    out.push({ name, node: { kind: 'prim', name: prim }, wireOnly: { fill } });
    p += size;
  }
  return out;
}

function blockOf(length: number): SchemaNode {
  return { kind: 'bytes', length, prefix: 4, copy: false };
}

function constOf(value: unknown): SchemaNode {
  const fresh = typeof value === 'object' && value !== null ? () => copyDefault(value) : undefined;
  return { kind: 'const', value, fresh };
}

function matchStruct(w: StructNode, r: StructNode, path: string, cx: MatchContext): Resolved | undefined {
  const pairs = pairFields(w, r);
  const readerOf = new Map<number, number>();
  pairs.forEach((i, j) => {
    if (i !== undefined) readerOf.set(i, j);
  });
  const resolved = new Map<number, Resolved | undefined>();
  let ok = true;
  pairs.forEach((i, j) => {
    const rf = r.fields[j];
    const fp = fieldPath(path, rf.name);
    if (i === undefined) {
      if (metaOf(rf.node).default === undefined && rf.node.kind !== 'optional') {
        ok = false;
        issue(
          cx,
          fp,
          'missing-default',
          `${fp} is new and the writer does not send it: give it withDefault(codec, value) or make it optional`,
        );
      }
      return;
    }
    const m = matchNodes(w.fields[i].node, rf.node, fp, cx);
    if (m === undefined) ok = false;
    resolved.set(i, m);
  });
  if (!ok) return undefined;
  const dec: StructField[] = [];
  const enc: StructField[] = [];
  w.fields.forEach((wf, i) => {
    const j = readerOf.get(i);
    if (j === undefined) {
      const name = safeName(wf.name, i);
      const item = safeLayout(wf.node);
      dec.push({ name, node: item, wireOnly: { fill: undefined } });
      const fill = fillOf(wf);
      enc.push({ name, node: fill === undefined ? item : blockOf(fill.length), wireOnly: { fill } });
      return;
    }
    const m = resolved.get(i) as Resolved;
    dec.push({ name: r.fields[j].name, node: m.dec });
    enc.push({ name: r.fields[j].name, node: m.enc });
  });
  pairs.forEach((i, j) => {
    if (i !== undefined) return;
    const rf = r.fields[j];
    dec.push({ name: rf.name, node: constOf(metaOf(rf.node).default?.value) });
  });
  return {
    dec: { kind: 'struct', fields: mergeSkips(dec, path) },
    enc: { kind: 'struct', fields: mergeFills(enc) },
  };
}

function matchUnion(w: UnionNode, r: UnionNode, path: string, cx: MatchContext): Resolved | undefined {
  const readerTag = new Map<unknown, UnionVariant>(r.variants.map((v) => [v.tag, v]));
  const dec: UnionVariant[] = [];
  const pairs = new Map<unknown, Resolved>();
  let ok = true;
  for (const wv of w.variants) {
    const rv = readerTag.get(wv.tag) ?? (r.fallback === undefined ? undefined : readerTag.get(r.fallback));
    if (rv === undefined) {
      ok = false;
      issue(
        cx,
        path,
        'union-variant-unknown',
        `${at(path)}: the writer's variant ${show(wv.tag)} is not a variant here and the union declares no fallback: add it, or declare union(..., { fallback })`,
      );
      continue;
    }
    const m = matchNodes(wv.node, rv.node, `${path}<${String(rv.tag)}>`, cx);
    if (m === undefined) {
      ok = false;
      continue;
    }
    if (rv.tag === wv.tag) pairs.set(rv.tag, m);
    dec.push({ tag: rv.tag, wire: wv.wire, node: m.dec as StructNode });
  }
  if (!ok) return undefined;
  // Encoding for the writer: the same variant when it has it, else its fallback (best effort:
  // a variant that cannot be written is left out, and encoding it throws EncodeError).
  const writerTag = new Map<unknown, UnionVariant>(w.variants.map((v) => [v.tag, v]));
  const enc: UnionVariant[] = [];
  for (const rv of r.variants) {
    const wv = writerTag.get(rv.tag) ?? (w.fallback === undefined ? undefined : writerTag.get(w.fallback));
    if (wv === undefined) continue;
    const m =
      pairs.get(rv.tag) ?? matchNodes(wv.node, rv.node, path, { issues: [] }) ?? encodeOnly(wv.node, rv.node);
    if (m === undefined) continue;
    enc.push({ tag: rv.tag, wire: wv.wire, node: m.enc as StructNode });
  }
  return {
    dec: { kind: 'union', tagKey: r.tagKey, repr: w.repr, variants: dec },
    enc: { kind: 'union', tagKey: r.tagKey, repr: w.repr, variants: enc },
  };
}

/** A pair the reader could not read, resolved for writing only (the other direction of a full check). */
function encodeOnly(w: SchemaNode, r: SchemaNode): Resolved | undefined {
  return w.kind === 'prim' && r.kind === 'prim' ? { dec: w, enc: encodeOnlyPrim(w, r) } : undefined;
}

/**
 * Matches writer node `w` against reader node `r` at value path `path`: the resolved pair, or
 * undefined with the reasons added to `cx.issues`.
 */
export function matchNodes(
  w: SchemaNode,
  r: SchemaNode,
  path: string,
  cx: MatchContext,
): Resolved | undefined {
  if (r.kind === 'optional') {
    const m = matchNodes(w.kind === 'optional' ? w.item : w, r.item, path, cx);
    if (m === undefined || w.kind !== 'optional') return m;
    return { dec: { kind: 'optional', item: m.dec }, enc: { kind: 'optional', item: m.enc } };
  }
  if (w.kind === 'optional') {
    return issue(
      cx,
      path,
      'optional-to-required',
      `${at(path)} was optional and is now required: keep it optional`,
    );
  }
  if (w.kind === 'prim' && r.kind === 'prim') return matchPrim(w, r, path, cx);
  if ((w.kind === 'string' || w.kind === 'bytes') && w.kind === r.kind)
    return matchText(w, r as typeof w, path, cx);
  if (w.kind === 'array' && r.kind === 'array') return matchArray(w, r, path, cx);
  if (w.kind === 'enum' && r.kind === 'enum') return matchEnum(w, r, path, cx);
  if (w.kind === 'struct' && r.kind === 'struct') return matchStruct(w, r, path, cx);
  if (w.kind === 'union' && r.kind === 'union') return matchUnion(w, r, path, cx);
  return issue(cx, path, 'type-changed', `${at(path)} was ${kindName(w)} and is now ${kindName(r)}`);
}
