/**
 * The generated-code engine: each schema becomes straight-line JavaScript built with
 * `new Function` (the approach of avsc and msgpackr), with constant offsets, one bounds check per
 * run of fixed-size fields and an object literal for the decoded value, which V8 compiles to code
 * close to a hand-written DataView codec. It needs `eval` to be allowed: it is the default only in
 * the Node entry point (chosen through the `node` export condition, never by probing); in a browser
 * it runs only when the user opts in.
 */

import { F32, F64, I64, readExpr, U32, U64 } from './byte-reads.js';
import { encodeView, viewOf } from './data-view-cache.js';
import {
  budget,
  byteBudgetError,
  checkDepth,
  DEFAULT_MAX_ELEMENTS,
  elementBudgetError,
  lengthError,
  startBudget,
  truncatedError,
} from './decode-limits.js';
import { encodeFailure, explainEncodeFailure, fieldPath } from './encode-failure.js';
import type { CompiledCodec, CompileOptions, DecodeResult } from './engine.js';
import { compileClosures } from './engine-closures.js';
import { DecodeError, type EncodeError, relocateError } from './errors.js';
import { genSkip, skipsInline } from './generated-skip.js';
import { FAIL_LABEL, Gen, PREFIX_MAX, prefixRead, prefixWrite, q } from './generated-source.js';
import { F32_OVERFLOW_SQUARED, invalidPrimitiveExpr, primitiveSpec } from './primitive-specs.js';
import { bufferTooSmall, decodeRangeError, encodeOffsetError } from './range-errors.js';
import {
  depthOf,
  fixedSizeOf,
  minSizeOf,
  type PrimitiveName,
  type PrimNode,
  type SchemaNode,
  type Skipper,
  type StructNode,
  usesBudget,
} from './schema-node.js';
import { objectCheckCanWait } from './struct-unrolled.js';
import { NO_ROOM, readUtf8, readUtf8Lenient, utf8Length, writeUtf8 } from './utf8.js';

/** Helpers the generated code closes over (passed in, never looked up globally). */
const HELPERS = {
  EV: encodeView,
  VIEW: viewOf,
  // Decoders read bytes, not a DataView (byte-reads.ts): the scratch words for floats and 64-bit.
  U32,
  F32,
  F64,
  U64,
  I64,
  B: budget,
  SB: startBudget,
  CD: checkDepth,
  W: writeUtf8,
  L: utf8Length,
  U: readUtf8,
  UL: readUtf8Lenient,
  R: relocateError,
  OFF: encodeOffsetError,
  RANGE: decodeRangeError,
};

/** Size of the run of fixed-size fields starting at each field (0 inside a run and at variable fields). */
function runsOf(node: StructNode): number[] {
  const sizes = node.fields.map((f) => fixedSizeOf(f.node));
  const runs = new Array<number>(sizes.length).fill(0);
  for (let i = 0; i < sizes.length; ) {
    if (sizes[i] === undefined) {
      i++;
      continue;
    }
    let j = i;
    let run = 0;
    while (j < sizes.length && sizes[j] !== undefined) run += sizes[j++] as number;
    runs[i] = run;
    i = j;
  }
  return runs;
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Checks and writes one primitive; `fail(v)` makes the error. */
function genPrimWrite(g: Gen, name: PrimitiveName, v: string, fail: string): void {
  if (!g.trusted) g.emit(`if (${invalidPrimitiveExpr(primitiveSpec(name), v)}) throw ${fail}(${v});`);
  genPrimStore(g, name, v);
}

/** Writes one primitive already checked (for f32: its range may still be pending). */
function genPrimStore(g: Gen, name: PrimitiveName, v: string): void {
  const spec = primitiveSpec(name);
  if (spec.kind === 'bool') g.emit(`t[${g.pos()}] = ${v} ? 1 : 0;`);
  else if (spec.size === 1) g.emit(`t[${g.pos()}] = ${v};`);
  else g.emit(`dv.set${spec.view}(${g.pos()}, ${v}${spec.littleEndian ? ', true' : ''});`);
  g.k += spec.size;
}

/** The first of `fields` (in order) whose value in `v` is invalid, as its error; else undefined. */
function explainFields(
  fields: readonly { name: string; node: SchemaNode; path: string }[],
  v: Record<string, unknown>,
): EncodeError | undefined {
  for (const f of fields) {
    const e = explainEncodeFailure(f.node, v[f.name], f.path);
    if (e !== undefined) return e;
  }
  return undefined;
}

const isBigEndianWord = (name: PrimitiveName): boolean => name === 'u8' || name === 'u16' || name === 'u32';

function genWrite(g: Gen, node: SchemaNode, v: string, path: string, checked: boolean): void {
  const fixed = fixedSizeOf(node);
  const fail = () => g.c((x: unknown) => encodeFailure(node, x, path));
  if (fixed !== undefined && !checked) {
    const small = g.c((t: Uint8Array, at: number) => bufferTooSmall(fixed, t, at, path));
    g.emit(`if (${g.pos(fixed)} > t.length) throw ${small}(t, ${g.pos()});`);
    checked = true;
  }
  switch (node.kind) {
    case 'prim':
      genPrimWrite(g, node.name, v, fail());
      return;
    case 'enum': {
      const spec = primitiveSpec(node.repr.name);
      const map = g.c(new Map<unknown, number>(node.values.map((x, i) => [x, node.wire[i]])));
      const w = g.id('w');
      g.emit(`const ${w} = ${map}.get(${v});`);
      g.emit(`if (${w} === undefined) throw ${fail()}(${v});`);
      if (spec.size === 1) g.emit(`t[${g.pos()}] = ${w};`);
      else g.emit(`dv.set${spec.view}(${g.pos()}, ${w}${spec.littleEndian ? ', true' : ''});`);
      g.k += spec.size;
      return;
    }
    case 'string': {
      if (node.length !== undefined) {
        const len = node.length;
        const w = g.id('w');
        g.emit(
          `if (typeof ${v} !== 'string' || ${v}.charCodeAt(${v}.length - 1) === 0) throw ${fail()}(${v});`,
        );
        g.emit(`const ${w} = W(t, ${g.pos()}, ${v}, ${g.pos(len)});`);
        g.emit(`if (${w} < 0) throw ${fail()}(${v});`);
        g.emit(`t.fill(0, ${g.pos()} + ${w}, ${g.pos(len)});`);
        g.k += len;
        return;
      }
      const width = node.prefix;
      g.flush();
      const w = g.id('w');
      const small = g.c((t: Uint8Array, at: number, n: number) => bufferTooSmall(width + n, t, at, path));
      g.emit(`if (typeof ${v} !== 'string') throw ${fail()}(${v});`);
      g.emit(`const ${w} = W(t, p + ${width}, ${v}, t.length);`);
      g.emit(`if (${w} === ${NO_ROOM}) throw ${small}(t, p, L(${v}));`);
      g.emit(`if (${w} < 0 || ${w} > ${PREFIX_MAX[width]}) throw ${fail()}(${v});`);
      g.emit(prefixWrite(width, 'p', w));
      g.emit(`p += ${width} + ${w};`);
      return;
    }
    case 'bytes': {
      if (node.length !== undefined) {
        const len = node.length;
        g.emit(`if (!(${v} instanceof Uint8Array) || ${v}.length > ${len}) throw ${fail()}(${v});`);
        g.emit(`t.set(${v}, ${g.pos()});`);
        g.emit(`t.fill(0, ${g.pos()} + ${v}.length, ${g.pos(len)});`);
        g.k += len;
        return;
      }
      const width = node.prefix;
      g.flush();
      const small = g.c((t: Uint8Array, at: number, n: number) => bufferTooSmall(width + n, t, at, path));
      g.emit(
        `if (!(${v} instanceof Uint8Array) || ${v}.length > ${PREFIX_MAX[width]}) throw ${fail()}(${v});`,
      );
      g.emit(`if (p + ${width} + ${v}.length > t.length) throw ${small}(t, p, ${v}.length);`);
      g.emit(prefixWrite(width, 'p', `${v}.length`));
      g.emit(`t.set(${v}, p + ${width});`);
      g.emit(`p += ${width} + ${v}.length;`);
      return;
    }
    case 'array': {
      const count = node.length;
      const itemFixed = fixedSizeOf(node.item);
      g.emit(
        `if (!Array.isArray(${v})${count === undefined ? '' : ` || ${v}.length !== ${count}`}) throw ${fail()}(${v});`,
      );
      g.flush();
      const n = g.id('n');
      g.emit(`const ${n} = ${v}.length;`);
      if (count === undefined) {
        const small = g.c((t: Uint8Array, at: number, need: number) => bufferTooSmall(need, t, at, path));
        const need = itemFixed === undefined ? '4' : `4 + ${n} * ${itemFixed}`;
        g.emit(`if (p + ${need} > t.length) throw ${small}(t, p, ${need});`);
        g.emit(`dv.setUint32(p, ${n});`);
        g.emit('p += 4;');
      }
      const i = g.id('i');
      const x = g.id('x');
      const itemPath = `${path}[]`;
      g.emit(`let ${i} = 0;`);
      g.emit(`try { for (; ${i} < ${n}; ${i}++) { const ${x} = ${v}[${i}];`);
      genWrite(g, node.item, x, itemPath, itemFixed !== undefined);
      g.flush();
      g.emit(`} } catch (e) { throw R(e, ${q(itemPath)}, ${q(path)} + '[' + ${i} + ']'); }`);
      return;
    }
    case 'optional': {
      const itemFixed = fixedSizeOf(node.item);
      const small = g.c((t: Uint8Array, at: number, need: number) => bufferTooSmall(need, t, at, path));
      g.flush();
      g.emit(`if (${v} === undefined || ${v} === null) {`);
      g.emit(`if (p + 1 > t.length) throw ${small}(t, p, 1);`);
      g.emit('t[p++] = 0;');
      g.emit('} else {');
      g.emit(`if (p + ${1 + (itemFixed ?? 0)} > t.length) throw ${small}(t, p, ${1 + (itemFixed ?? 0)});`);
      g.emit('t[p++] = 1;');
      genWrite(g, node.item, v, path, itemFixed !== undefined);
      g.flush();
      g.emit('}');
      return;
    }
    case 'struct': {
      const runs = checked ? undefined : runsOf(node);
      // A struct of primitives tells objects from other values only when a field check fails
      // (objectCheckCanWait): every failure in it is explained by one function, in field order.
      const lazy =
        node.fields.length > 0 &&
        node.fields.every((f) => f.node.kind === 'prim' && f.wireOnly === undefined) &&
        objectCheckCanWait(node.fields.map((f) => f.name));
      if (lazy) {
        g.emit(`if (${v} === null || ${v} === undefined) throw ${fail()}(${v});`);
        const all = node.fields.map((f) => ({ name: f.name, node: f.node, path: fieldPath(path, f.name) }));
        const explain = (x: Record<string, unknown>) =>
          typeof x !== 'object' ? encodeFailure(node, x, path) : explainFields(all, x);
        const explainAll = g.c(explain);
        // For a check that did fail: an error even if a getter changed its mind since.
        const failAll = g.c((x: Record<string, unknown>) => explain(x) ?? encodeFailure(node, x, path));
        // Load every field, test them all in one condition, then write: measured on SENSOR
        // encodeInto, 0.83x -> 0.88-0.89x of the hand-written codec against check-and-write per
        // field (the typeof tests no longer sit between the DataView stores).
        const run = runs?.[0] ?? 0;
        if (run !== 0) {
          const small = g.c((t: Uint8Array, at: number) =>
            bufferTooSmall(run, t, at, fieldPath(path, node.fields[0].name)),
          );
          g.emit(`if (${g.pos(run)} > t.length) throw ${small}(t, ${g.pos()});`);
        }
        const vars = node.fields.map((f) => {
          const fv = g.id('f');
          g.emit(`const ${fv} = ${v}[${q(f.name)}];`);
          return fv;
        });
        const names = node.fields.map((f) => (f.node as PrimNode).name);
        const isF32 = (name: PrimitiveName) => name === 'f32' || name === 'f32le';
        const invalid = names.map((name, i) =>
          isF32(name) ? `typeof ${vars[i]} !== 'number'` : invalidPrimitiveExpr(primitiveSpec(name), vars[i]),
        );
        if (!g.trusted) g.emit(`if (${invalid.join(' || ')}) throw ${failAll}(${v});`);
        for (const [i, name] of names.entries()) genPrimStore(g, name, vars[i]);
        const squares = vars.filter((_, i) => isF32(names[i])).map((fv) => `${fv} * ${fv}`);
        if (squares.length > 0 && !g.trusted) {
          const e = g.id('e');
          g.emit(
            `if (!(${squares.join(' + ')} < ${F32_OVERFLOW_SQUARED})) { const ${e} = ${explainAll}(${v}); if (${e} !== undefined) throw ${e}; }`,
          );
        }
        return;
      }
      g.emit(`if (typeof ${v} !== 'object' || ${v} === null) throw ${fail()}(${v});`);
      // Consecutive f32 fields: `typeof` per field, the range of all of them in one check after
      // the group (see F32_OVERFLOW_SQUARED); a failure in the group is explained in field order,
      // so the error is the one the per-field checks would have thrown.
      let group: { name: string; node: SchemaNode; path: string }[] = [];
      let squares: string[] = [];
      const endGroup = () => {
        if (squares.length === 0 || g.trusted) {
          group = [];
          squares = [];
          return;
        }
        const fields = group;
        const explain = g.c((x: Record<string, unknown>) => explainFields(fields, x));
        const e = g.id('e');
        g.emit(
          `if (!(${squares.join(' + ')} < ${F32_OVERFLOW_SQUARED})) { const ${e} = ${explain}(${v}); if (${e} !== undefined) throw ${e}; }`,
        );
        group = [];
        squares = [];
      };
      node.fields.forEach((f, idx) => {
        const fpath = fieldPath(path, f.name);
        const fv = g.id('f');
        const run = runs?.[idx] ?? 0;
        const f32 =
          f.wireOnly === undefined &&
          f.node.kind === 'prim' &&
          (f.node.name === 'f32' || f.node.name === 'f32le');
        if (!f32) endGroup();
        if (run !== 0) {
          const small = g.c((t: Uint8Array, at: number) => bufferTooSmall(run, t, at, fpath));
          g.emit(`if (${g.pos(run)} > t.length) throw ${small}(t, ${g.pos()});`);
        }
        // A wire-only field (resolved codecs) writes the peer's default, not a property of the value;
        // integer fills are literals, so the JIT folds their checks away.
        const fill = f.wireOnly?.fill;
        if (typeof fill === 'number' && f.node.kind === 'prim' && isBigEndianWord(f.node.name)) {
          // Constant bytes (mergeFills made them big-endian words): plain byte stores, which V8
          // keeps cheaper than DataView calls at an offset only known at run time.
          const size = primitiveSpec(f.node.name).size;
          for (let i = 0; i < size; i++) {
            g.emit(`t[${g.pos(i)}] = ${(fill / 2 ** (8 * (size - 1 - i))) & 0xff};`);
          }
          g.k += size;
          return;
        }
        const read =
          f.wireOnly === undefined
            ? `${v}[${q(f.name)}]`
            : Number.isSafeInteger(fill)
              ? String(fill)
              : g.c(fill);
        g.emit(`const ${fv} = ${read};`);
        if (f32) {
          group.push({ name: f.name, node: f.node, path: fpath });
          squares.push(`${fv} * ${fv}`);
          const fields = group;
          const explain = g.c((x: Record<string, unknown>) => explainFields(fields, x) as EncodeError);
          if (!g.trusted) g.emit(`if (typeof ${fv} !== 'number') throw ${explain}(${v});`);
          const spec = primitiveSpec((f.node as { name: 'f32' | 'f32le' }).name);
          g.emit(`dv.setFloat32(${g.pos()}, ${fv}${spec.littleEndian ? ', true' : ''});`);
          g.k += 4;
        } else genWrite(g, f.node, fv, fpath, checked || fixedSizeOf(f.node) !== undefined);
      });
      endGroup();
      return;
    }
    case 'union': {
      // One branch per variant, each with its own constant offsets and checks.
      const spec = primitiveSpec(node.repr.name);
      const tag = g.id('tag');
      g.flush();
      g.emit(`if (typeof ${v} !== 'object' || ${v} === null) throw ${fail()}(${v});`);
      g.emit(`const ${tag} = ${v}[${q(node.tagKey)}];`);
      node.variants.forEach((variant, i) => {
        const vfixed = fixedSizeOf(variant.node);
        const need = spec.size + (vfixed ?? 0);
        const small = g.c((t: Uint8Array, at: number) => bufferTooSmall(need, t, at, path));
        g.emit(`${i === 0 ? '' : 'else '}if (${tag} === ${JSON.stringify(variant.tag)}) {`);
        g.emit(`if (p + ${need} > t.length) throw ${small}(t, p);`);
        if (spec.size === 1) g.emit(`t[p] = ${variant.wire};`);
        else g.emit(`dv.set${spec.view}(p, ${variant.wire}${spec.littleEndian ? ', true' : ''});`);
        g.k = spec.size;
        genWrite(g, variant.node, v, path, vfixed !== undefined);
        g.flush();
        g.emit('}');
      });
      g.emit(`else throw ${fail()}(${v});`);
      return;
    }
    case 'const':
    case 'skip':
      return;
    case 'convert': {
      // Resolved codecs only: the value's type differs from the wire's (i32 on the wire, bigint seen).
      const x = g.id('cv');
      if (node.to === 'bigint') {
        g.emit(`if (typeof ${v} !== 'bigint') throw ${fail()}(${v});`);
        g.emit(`const ${x} = ${g.c(Number)}(${v});`);
      } else {
        g.emit(`if (!${g.c(Number.isSafeInteger)}(${v})) throw ${fail()}(${v});`);
        g.emit(`const ${x} = ${g.c(BigInt)}(${v});`);
      }
      genWrite(g, node.item, x, path, checked);
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding: statements are emitted, the returned string is an expression for the value.

function genRead(g: Gen, node: SchemaNode, path: string, checked: boolean): string {
  const fixed = fixedSizeOf(node);
  const trunc = () => g.c((need: number, left: number, at: number) => truncatedError(need, left, path, at));
  const invalid = (what: string) =>
    g.c((x: unknown, at: number) => new DecodeError('invalid-value', `${String(x)} ${what}`, path, at));
  if (fixed !== undefined && !checked) {
    g.emit(`if (${g.pos(fixed)} > end) ${g.fail(trunc, `${fixed}, end - ${g.pos()}, ${g.pos()}`)}`);
    checked = true;
  }
  switch (node.kind) {
    case 'prim': {
      const spec = primitiveSpec(node.name);
      const x = g.id('x');
      if (spec.kind === 'bool') {
        g.emit(`const ${x} = s[${g.pos()}];`);
        g.emit(`if (${x} > 1) ${g.fail(() => invalid('is not a bool byte (0 or 1)'), `${x}, ${g.pos()}`)}`);
        g.k += 1;
        return `(${x} === 1)`;
      }
      g.emit(`const ${x} = ${readExpr(node.name as Exclude<PrimitiveName, 'bool'>, 's', g.pos())};`);
      g.k += spec.size;
      return x;
    }
    case 'enum': {
      const spec = primitiveSpec(node.repr.name);
      const map = g.c(new Map<number, number | string>(node.wire.map((w, i) => [w, node.values[i]])));
      const w = g.id('w');
      const x = g.id('x');
      g.emit(`const ${w} = ${readExpr(node.repr.name as Exclude<PrimitiveName, 'bool'>, 's', g.pos())};`);
      g.emit(`const ${x} = ${map}.get(${w});`);
      g.emit(
        `if (${x} === undefined) ${g.fail(() => invalid('is not a value of the enum'), `${w}, ${g.pos()}`)}`,
      );
      g.k += spec.size;
      return x;
    }
    case 'string': {
      const x = g.id('x');
      const bad = () => g.c((at: number) => new DecodeError('invalid-value', 'invalid UTF-8', path, at));
      // A lenient read never fails: it has no check to emit.
      const read = node.fatal === true ? 'U' : 'UL';
      const check = (at: string) => (node.fatal === true ? `if (${x} === undefined) ${g.fail(bad, at)}` : '');
      if (node.length !== undefined) {
        const e = g.id('e');
        g.emit(`let ${e} = ${g.pos(node.length)};`);
        g.emit(`while (${e} > ${g.pos()} && s[${e} - 1] === 0) ${e}--;`);
        g.emit(`const ${x} = ${read}(s, ${g.pos()}, ${e});`);
        g.emit(check(g.pos()));
        g.k += node.length;
        return x;
      }
      const width = node.prefix;
      g.flush();
      const n = g.id('n');
      const len = () =>
        g.c((len: number, left: number, at: number) => lengthError('length', len, left, path, at));
      const bb = () => g.c((len: number, at: number) => byteBudgetError(len, path, at));
      g.emit(`if (p + ${width} > end) ${g.fail(trunc, `${width}, end - p, p`)}`);
      g.emit(`const ${n} = ${prefixRead(width, 'p')};`);
      g.emit(`if (${n} > end - p - ${width}) ${g.fail(len, `${n}, end - p - ${width}, p`)}`);
      g.emit(`if ((B.bytes -= ${n}) < 0) ${g.fail(bb, `${n}, p`)}`);
      g.emit(`const ${x} = ${read}(s, p + ${width}, p + ${width} + ${n});`);
      g.emit(check('p'));
      g.emit(`p += ${width} + ${n};`);
      return x;
    }
    case 'bytes': {
      const x = g.id('x');
      const how = node.copy ? 'slice' : 'subarray';
      if (node.length !== undefined) {
        g.emit(`const ${x} = s.${how}(${g.pos()}, ${g.pos(node.length)});`);
        g.k += node.length;
        return x;
      }
      const width = node.prefix;
      g.flush();
      const n = g.id('n');
      const len = () =>
        g.c((len: number, left: number, at: number) => lengthError('length', len, left, path, at));
      const bb = () => g.c((len: number, at: number) => byteBudgetError(len, path, at));
      g.emit(`if (p + ${width} > end) ${g.fail(trunc, `${width}, end - p, p`)}`);
      g.emit(`const ${n} = ${prefixRead(width, 'p')};`);
      g.emit(`if (${n} > end - p - ${width}) ${g.fail(len, `${n}, end - p - ${width}, p`)}`);
      g.emit(`if ((B.bytes -= ${n}) < 0) ${g.fail(bb, `${n}, p`)}`);
      g.emit(`const ${x} = s.${how}(p + ${width}, p + ${width} + ${n});`);
      g.emit(`p += ${width} + ${n};`);
      return x;
    }
    case 'array': {
      const count = node.length;
      const itemFixed = fixedSizeOf(node.item);
      const min = minSizeOf(node.item);
      g.flush();
      const n = g.id('n');
      const start = g.id('st');
      const eb = () => g.c((c: number, at: number) => elementBudgetError(c, path, at));
      g.emit(`const ${start} = p;`);
      if (count === undefined) {
        const len = () =>
          g.c((c: number, left: number, at: number) => lengthError('count', c, left, path, at));
        g.emit(`if (p + 4 > end) ${g.fail(trunc, '4, end - p, p')}`);
        g.emit(`const ${n} = ${readExpr('u32', 's', 'p')};`);
        g.emit('p += 4;');
        if (min > 0) g.emit(`if (${n} * ${min} > end - p) ${g.fail(len, `${n}, end - p, ${start}`)}`);
      } else {
        g.emit(`const ${n} = ${count};`);
        if (!checked && min > 0)
          g.emit(`if (p + ${count * min} > end) ${g.fail(trunc, `${count * min}, end - p, p`)}`);
      }
      g.emit(`if ((B.elements -= ${n}) < 0) ${g.fail(eb, `${n}, ${start}`)}`);
      const a = g.id('a');
      const i = g.id('i');
      const itemPath = `${path}[]`;
      g.emit(`const ${a} = new Array(${n});`);
      g.emit(`let ${i} = 0;`);
      g.emit(`try { for (; ${i} < ${n}; ${i}++) {`);
      const x = genRead(g, node.item, itemPath, itemFixed !== undefined);
      g.flush();
      g.emit(`${a}[${i}] = ${x};`);
      g.emit(`} } catch (e) { throw R(e, ${q(itemPath)}, ${q(path)} + '[' + ${i} + ']'); }`);
      return a;
    }
    case 'optional': {
      const itemFixed = fixedSizeOf(node.item);
      g.flush();
      const f = g.id('fl');
      const x = g.id('x');
      g.emit(`if (p + 1 > end) ${g.fail(trunc, '1, end - p, p')}`);
      g.emit(`const ${f} = s[p];`);
      g.emit(`if (${f} > 1) ${g.fail(() => invalid('is not an optional flag (0 or 1)'), `${f}, p`)}`);
      g.emit('p += 1;');
      g.emit(`let ${x};`);
      g.emit(`if (${f} === 1) {`);
      if (itemFixed !== undefined) {
        g.emit(`if (p + ${itemFixed} > end) ${g.fail(trunc, `${itemFixed}, end - p, p`)}`);
      }
      const y = genRead(g, node.item, path, itemFixed !== undefined);
      g.flush();
      g.emit(`${x} = ${y};`);
      g.emit('}');
      return x;
    }
    case 'struct': {
      const values = genFields(g, node, path, checked);
      const o = g.id('o');
      const props = node.fields.flatMap((fld, i) =>
        fld.wireOnly === undefined ? [`${q(fld.name)}: ${values[i]}`] : [],
      );
      g.emit(`const ${o} = { ${props.join(', ')} };`);
      return o;
    }
    case 'union': {
      const spec = primitiveSpec(node.repr.name);
      const tagPath = fieldPath(path, node.tagKey);
      const tagTrunc = () =>
        g.c((need: number, left: number, at: number) => truncatedError(need, left, tagPath, at));
      const badTag = () =>
        g.c(
          (w: number, at: number) =>
            new DecodeError('invalid-value', `${w} is not a tag of the union`, tagPath, at),
        );
      g.flush();
      const w = g.id('w');
      const x = g.id('x');
      g.emit(`if (p + ${spec.size} > end) ${g.fail(tagTrunc, `${spec.size}, end - p, p`)}`);
      g.emit(`const ${w} = ${readExpr(node.repr.name as Exclude<PrimitiveName, 'bool'>, 's', 'p')};`);
      g.emit(`let ${x};`);
      node.variants.forEach((variant, i) => {
        const vfixed = fixedSizeOf(variant.node);
        g.emit(`${i === 0 ? '' : 'else '}if (${w} === ${variant.wire}) {`);
        g.emit(`p += ${spec.size};`);
        if (vfixed !== undefined)
          g.emit(`if (p + ${vfixed} > end) ${g.fail(trunc, `${vfixed}, end - p, p`)}`);
        const values = genFields(g, variant.node, path, vfixed !== undefined);
        g.flush();
        const fields = variant.node.fields.flatMap((fld, j) =>
          fld.wireOnly === undefined ? [`${q(fld.name)}: ${values[j]}`] : [],
        );
        g.emit(`${x} = { ${[`${q(node.tagKey)}: ${JSON.stringify(variant.tag)}`, ...fields].join(', ')} };`);
        g.emit('}');
      });
      g.emit(`else ${g.fail(badTag, `${w}, p`)}`);
      return x;
    }
    case 'const':
      return node.fresh === undefined ? g.c(node.value) : `${g.c(node.fresh)}()`;
    case 'skip':
      // Resolved codecs only: a field only the writer has, stepped over without being built.
      if (node.free) {
        g.k += fixed as number;
        return 'undefined';
      }
      if (skipsInline(node.item)) {
        genSkip(g, node.item, node.path);
        return 'undefined';
      }
      g.flush();
      // The decoder reads numbers from the bytes and holds no DataView; a skipper wants one, so
      // keep the last buffer's view rather than make one per value.
      g.emit(`p = ${g.c(skipWithView(node.skip))}(s, p, end);`);
      return 'undefined';
    case 'convert': {
      const x = genRead(g, node.item, path, checked);
      return `${g.c(node.to === 'bigint' ? BigInt : Number)}(${x})`;
    }
  }
}

/** Reads the fields of a struct; returns an expression for each value. */
function genFields(g: Gen, node: StructNode, path: string, checked: boolean): string[] {
  const runs = checked ? undefined : runsOf(node);
  return node.fields.map((fld, idx) => {
    const fpath = fieldPath(path, fld.name);
    const run = runs?.[idx] ?? 0;
    if (run !== 0) {
      const t = () => g.c((need: number, left: number, at: number) => truncatedError(need, left, fpath, at));
      g.emit(`if (${g.pos(run)} > end) ${g.fail(t, `${run}, end - ${g.pos()}, ${g.pos()}`)}`);
    }
    return genRead(g, fld.node, fpath, checked || fixedSizeOf(fld.node) !== undefined);
  });
}

/** Reads a fixed-size node into `lhs` (an assignable expression), reusing objects and arrays found there. */
function genReadInto(g: Gen, node: SchemaNode, lhs: string, path: string): void {
  if (node.kind === 'struct') {
    const o = g.id('o');
    g.emit(`let ${o} = ${lhs};`);
    g.emit(`if (typeof ${o} !== 'object' || ${o} === null) ${lhs} = ${o} = {};`);
    for (const f of node.fields) {
      if (f.wireOnly === undefined) genReadInto(g, f.node, `${o}[${q(f.name)}]`, fieldPath(path, f.name));
      else genRead(g, f.node, fieldPath(path, f.name), true);
    }
    return;
  }
  if (node.kind === 'array' && node.length !== undefined) {
    const a = g.id('a');
    const i = g.id('i');
    const count = node.length;
    const eb = g.c((c: number, at: number) => elementBudgetError(c, path, at));
    const itemPath = `${path}[]`;
    g.flush();
    g.emit(`if ((B.elements -= ${count}) < 0) throw ${eb}(${count}, p);`);
    g.emit(`let ${a} = ${lhs};`);
    g.emit(`if (!Array.isArray(${a}) || ${a}.length !== ${count}) ${lhs} = ${a} = new Array(${count});`);
    g.emit(`let ${i} = 0;`);
    g.emit(`try { for (; ${i} < ${count}; ${i}++) {`);
    genReadInto(g, node.item, `${a}[${i}]`, itemPath);
    g.flush();
    g.emit(`} } catch (e) { throw R(e, ${q(itemPath)}, ${q(path)} + '[' + ${i} + ']'); }`);
    return;
  }
  const x = genRead(g, node, path, true);
  g.emit(`${lhs} = ${x};`);
}

function build(g: Gen, source: string): any {
  // The helper names are parameters: the generated code never touches globals.
  const names = Object.keys(HELPERS);
  const factory = new Function('K', ...names, source);
  return factory(g.consts, ...names.map((n) => HELPERS[n as keyof typeof HELPERS]));
}

/** Compiles a schema node into generated JavaScript functions. */
export function compileGenerated(node: SchemaNode, options: CompileOptions = {}): CompiledCodec {
  const fixed = fixedSizeOf(node);
  const depth = depthOf(node);
  const budgeted = usesBudget(node);
  const fallback = compileClosures(node);

  // encodeInto
  const ge = new Gen(options.trustedInput === true);
  ge.emit('return function encodeInto(v, t, o) {');
  ge.emit('if (o === undefined) o = 0;');
  ge.emit('if ((o >>> 0) !== o || o > t.length) throw OFF(t, o);');
  ge.emit('const dv = EV.u8 === t ? EV.view : EV.u8b === t ? EV.viewb : VIEW(EV, t);');
  ge.emit('let p = o;');
  genWrite(ge, node, 'v', '', false);
  ge.emit(`return p${ge.k === 0 ? '' : ` + ${ge.k}`} - o;`);
  ge.emit('};');
  const encodeInto = build(ge, ge.lines.join('\n'));

  // decode and decodeFrom share one body. Its checks only leave it (see Gen.failFast): the
  // closures decoder then decodes the same input again from the start (fresh budgets, as every
  // decode call starts) and throws the exact error, or, should the two ever disagree, its value
  // is the answer.
  const gd = new Gen();
  gd.failFast = true;
  gd.emit('let p = o;');
  const value = genRead(gd, node, '', false);
  const body = gd.lines.join('\n');
  const slowDecode = gd.c(fallback.decode);
  const slowDecodeFrom = gd.c(fallback.decodeFrom);
  const tail = gd.k === 0 ? '' : ` + ${gd.k}`;
  const prologue = [
    budgeted
      ? 'if (limits === undefined) { B.elements = MAXE; B.bytes = MAXB; } else SB(limits, DEPTH);'
      : '',
    // Without a budget only the depth check is left (startBudget was a tenth of a small receive).
    budgeted ? '' : 'if (limits !== undefined) CD(limits, DEPTH);',
  ].join('\n');
  const decodeSource = [
    `const DEPTH = ${depth}, MAXE = ${DEFAULT_MAX_ELEMENTS}, MAXB = ${Number.MAX_SAFE_INTEGER};`,
    'function decode(s, o, limits) {',
    'if (o === undefined) o = 0;',
    'if ((o >>> 0) !== o || o > s.length) throw RANGE(s, o, s.length);',
    'const end = s.length;',
    prologue,
    `${FAIL_LABEL}: {`,
    body,
    `return ${value};`,
    '}',
    `return ${slowDecode}(s, o, limits);`,
    '}',
    'function decodeFrom(s, o, end, limits) {',
    'if ((end >>> 0) !== end || end > s.length || (o >>> 0) !== o || o > end) throw RANGE(s, o, end);',
    prologue,
    `${FAIL_LABEL}: {`,
    body,
    // A fresh result, not one kept between calls: storing each new value into a long-lived
    // object costs a GC write barrier per message, more than the young allocation.
    `return { value: ${value}, offset: p${tail} };`,
    '}',
    `return ${slowDecodeFrom}(s, o, end, limits);`,
    '}',
    'return { decode, decodeFrom };',
  ].join('\n');
  const { decode, decodeFrom } = build(gd, decodeSource) as {
    decode: CompiledCodec['decode'];
    decodeFrom: (s: Uint8Array, o: number, end: number, limits?: unknown) => DecodeResult<unknown>;
  };

  let decodeInto: CompiledCodec['decodeInto'];
  if (fixed !== undefined && node.kind === 'struct') {
    const gi = new Gen();
    gi.emit('return function decodeInto(s, o, target) {');
    gi.emit('if (o === undefined) o = 0;');
    gi.emit('if ((o >>> 0) !== o || o > s.length) throw RANGE(s, o, s.length);');
    gi.emit('const end = s.length;');
    if (budgeted) gi.emit(`B.elements = ${DEFAULT_MAX_ELEMENTS}; B.bytes = ${Number.MAX_SAFE_INTEGER};`);
    gi.emit('let p = o;');
    const t = gi.c((need: number, left: number, at: number) => truncatedError(need, left, '', at));
    gi.emit(`if (p + ${fixed} > end) throw ${t}(${fixed}, end - p, p);`);
    gi.emit('let T = target;');
    genReadInto(gi, node, 'T', '');
    gi.emit('return T;');
    gi.emit('};');
    decodeInto = build(gi, gi.lines.join('\n'));
  }

  return {
    fixedSize: fixed,
    encodeInto,
    byteLength: fallback.byteLength,
    decode,
    decodeFrom: decodeFrom as CompiledCodec['decodeFrom'],
    decodeInto,
  };
}

/** A skipper over a byte array (skippers read only the bytes: no DataView per buffer). */
function skipWithView(skip: Skipper): (u8: Uint8Array, p: number, end: number) => number {
  const view = new DataView(new ArrayBuffer(0));
  return (u8, p, end) => skip(u8, view, 0, p, end);
}
