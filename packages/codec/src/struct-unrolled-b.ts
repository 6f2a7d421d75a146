/**
 * Copy B of the unrolled struct writers and readers: the same source text as `unrolledWriter`,
 * `unrolledReader` and the makers in struct-unrolled.ts (a test compares them), in function
 * literals of its own. V8 keeps type feedback per function literal, so struct types that use
 * different copies do not share call, load and store sites (see struct-sites.ts). Edit
 * struct-unrolled.ts, then copy them here verbatim.
 */
import type { Reader, Writer } from './closure-types.js';
import type { NotObject, Short, Small } from './struct-unrolled.js';

/**
 * An unrolled writer, or undefined for more than 6 fields. `runs[i]` is the size of the run of
 * fixed-size fields starting at field i, whose room is checked before field i (0 for the other
 * fields). A 0 is checked too: that check always passes, since no writer or reader leaves `p`
 * past the end, and testing it costs less than the bytecode of skipping it (see below).
 */
export function unrolledWriter(
  names: readonly string[],
  writers: readonly Writer[],
  runs: readonly number[],
  notObject: NotObject,
  small: Small,
): Writer | undefined {
  return WRITERS[names.length]?.(notObject, small, ...names, ...writers, ...runs);
}

/** An unrolled reader (see {@link unrolledWriter}), or undefined for more than 6 fields. */
export function unrolledReader(
  names: readonly string[],
  readers: readonly Reader[],
  runs: readonly number[],
  short: Short,
): Reader | undefined {
  return READERS[names.length]?.(short, ...names, ...readers, ...runs);
}

// V8 inlines a function into its caller only while the caller's inlining budget lasts, and counts
// it in bytecode. A loop that decodes SENSOR inlines decode, the struct reader, four field readers
// and their readF32, and used to run out at the struct reader in about half the processes (SENSOR
// decode at 57% or 75% of hand-written, bench/FINDINGS.md). So these literals are kept small: the
// pieces of each arity are parameters rather than `const`s taken apart from the arrays (V8 checks
// a captured `const` for its temporal dead zone at every use), and every field's room check runs
// (a `runs[i] !== 0 &&` guard is more bytecode than the test it skips).
/** The writer makers by arity (index 0 unused); exported for the test that compares the copies. */
export const WRITERS: readonly (
  | ((notObject: NotObject, small: Small, ...pieces: any[]) => Writer)
  | undefined
)[] = [undefined, writer1, writer2, writer3, writer4, writer5, writer6];

/** The reader makers by arity (index 0 unused). */
export const READERS: readonly (((short: Short, ...pieces: any[]) => Reader) | undefined)[] = [
  undefined,
  reader1,
  reader2,
  reader3,
  reader4,
  reader5,
  reader6,
];

function writer1(notObject: NotObject, small: Small, n0: string, w0: Writer, r0: number): Writer {
  return (v, t, dv, p) => {
    if (typeof v !== 'object' || v === null) notObject(v);
    if (p + r0 > t.length) small(0, t, p);
    p = w0(v[n0], t, dv, p);
    return p;
  };
}

function writer2(
  notObject: NotObject,
  small: Small,
  n0: string,
  n1: string,
  w0: Writer,
  w1: Writer,
  r0: number,
  r1: number,
): Writer {
  return (v, t, dv, p) => {
    if (typeof v !== 'object' || v === null) notObject(v);
    if (p + r0 > t.length) small(0, t, p);
    p = w0(v[n0], t, dv, p);
    if (p + r1 > t.length) small(1, t, p);
    p = w1(v[n1], t, dv, p);
    return p;
  };
}

function writer3(
  notObject: NotObject,
  small: Small,
  n0: string,
  n1: string,
  n2: string,
  w0: Writer,
  w1: Writer,
  w2: Writer,
  r0: number,
  r1: number,
  r2: number,
): Writer {
  return (v, t, dv, p) => {
    if (typeof v !== 'object' || v === null) notObject(v);
    if (p + r0 > t.length) small(0, t, p);
    p = w0(v[n0], t, dv, p);
    if (p + r1 > t.length) small(1, t, p);
    p = w1(v[n1], t, dv, p);
    if (p + r2 > t.length) small(2, t, p);
    p = w2(v[n2], t, dv, p);
    return p;
  };
}

function writer4(
  notObject: NotObject,
  small: Small,
  n0: string,
  n1: string,
  n2: string,
  n3: string,
  w0: Writer,
  w1: Writer,
  w2: Writer,
  w3: Writer,
  r0: number,
  r1: number,
  r2: number,
  r3: number,
): Writer {
  return (v, t, dv, p) => {
    if (typeof v !== 'object' || v === null) notObject(v);
    if (p + r0 > t.length) small(0, t, p);
    p = w0(v[n0], t, dv, p);
    if (p + r1 > t.length) small(1, t, p);
    p = w1(v[n1], t, dv, p);
    if (p + r2 > t.length) small(2, t, p);
    p = w2(v[n2], t, dv, p);
    if (p + r3 > t.length) small(3, t, p);
    p = w3(v[n3], t, dv, p);
    return p;
  };
}

function writer5(
  notObject: NotObject,
  small: Small,
  n0: string,
  n1: string,
  n2: string,
  n3: string,
  n4: string,
  w0: Writer,
  w1: Writer,
  w2: Writer,
  w3: Writer,
  w4: Writer,
  r0: number,
  r1: number,
  r2: number,
  r3: number,
  r4: number,
): Writer {
  return (v, t, dv, p) => {
    if (typeof v !== 'object' || v === null) notObject(v);
    if (p + r0 > t.length) small(0, t, p);
    p = w0(v[n0], t, dv, p);
    if (p + r1 > t.length) small(1, t, p);
    p = w1(v[n1], t, dv, p);
    if (p + r2 > t.length) small(2, t, p);
    p = w2(v[n2], t, dv, p);
    if (p + r3 > t.length) small(3, t, p);
    p = w3(v[n3], t, dv, p);
    if (p + r4 > t.length) small(4, t, p);
    p = w4(v[n4], t, dv, p);
    return p;
  };
}

function writer6(
  notObject: NotObject,
  small: Small,
  n0: string,
  n1: string,
  n2: string,
  n3: string,
  n4: string,
  n5: string,
  w0: Writer,
  w1: Writer,
  w2: Writer,
  w3: Writer,
  w4: Writer,
  w5: Writer,
  r0: number,
  r1: number,
  r2: number,
  r3: number,
  r4: number,
  r5: number,
): Writer {
  return (v, t, dv, p) => {
    if (typeof v !== 'object' || v === null) notObject(v);
    if (p + r0 > t.length) small(0, t, p);
    p = w0(v[n0], t, dv, p);
    if (p + r1 > t.length) small(1, t, p);
    p = w1(v[n1], t, dv, p);
    if (p + r2 > t.length) small(2, t, p);
    p = w2(v[n2], t, dv, p);
    if (p + r3 > t.length) small(3, t, p);
    p = w3(v[n3], t, dv, p);
    if (p + r4 > t.length) small(4, t, p);
    p = w4(v[n4], t, dv, p);
    if (p + r5 > t.length) small(5, t, p);
    p = w5(v[n5], t, dv, p);
    return p;
  };
}

function reader1(short: Short, n0: string, d0: Reader, r0: number): Reader {
  return (s) => {
    if (s.p + r0 > s.end) short(0, s);
    const x0 = d0(s);
    const o: Record<string, unknown> = {};
    o[n0] = x0;
    return o;
  };
}

function reader2(
  short: Short,
  n0: string,
  n1: string,
  d0: Reader,
  d1: Reader,
  r0: number,
  r1: number,
): Reader {
  return (s) => {
    if (s.p + r0 > s.end) short(0, s);
    const x0 = d0(s);
    if (s.p + r1 > s.end) short(1, s);
    const x1 = d1(s);
    const o: Record<string, unknown> = {};
    o[n0] = x0;
    o[n1] = x1;
    return o;
  };
}

function reader3(
  short: Short,
  n0: string,
  n1: string,
  n2: string,
  d0: Reader,
  d1: Reader,
  d2: Reader,
  r0: number,
  r1: number,
  r2: number,
): Reader {
  return (s) => {
    if (s.p + r0 > s.end) short(0, s);
    const x0 = d0(s);
    if (s.p + r1 > s.end) short(1, s);
    const x1 = d1(s);
    if (s.p + r2 > s.end) short(2, s);
    const x2 = d2(s);
    const o: Record<string, unknown> = {};
    o[n0] = x0;
    o[n1] = x1;
    o[n2] = x2;
    return o;
  };
}

function reader4(
  short: Short,
  n0: string,
  n1: string,
  n2: string,
  n3: string,
  d0: Reader,
  d1: Reader,
  d2: Reader,
  d3: Reader,
  r0: number,
  r1: number,
  r2: number,
  r3: number,
): Reader {
  return (s) => {
    if (s.p + r0 > s.end) short(0, s);
    const x0 = d0(s);
    if (s.p + r1 > s.end) short(1, s);
    const x1 = d1(s);
    if (s.p + r2 > s.end) short(2, s);
    const x2 = d2(s);
    if (s.p + r3 > s.end) short(3, s);
    const x3 = d3(s);
    const o: Record<string, unknown> = {};
    o[n0] = x0;
    o[n1] = x1;
    o[n2] = x2;
    o[n3] = x3;
    return o;
  };
}

function reader5(
  short: Short,
  n0: string,
  n1: string,
  n2: string,
  n3: string,
  n4: string,
  d0: Reader,
  d1: Reader,
  d2: Reader,
  d3: Reader,
  d4: Reader,
  r0: number,
  r1: number,
  r2: number,
  r3: number,
  r4: number,
): Reader {
  return (s) => {
    if (s.p + r0 > s.end) short(0, s);
    const x0 = d0(s);
    if (s.p + r1 > s.end) short(1, s);
    const x1 = d1(s);
    if (s.p + r2 > s.end) short(2, s);
    const x2 = d2(s);
    if (s.p + r3 > s.end) short(3, s);
    const x3 = d3(s);
    if (s.p + r4 > s.end) short(4, s);
    const x4 = d4(s);
    const o: Record<string, unknown> = {};
    o[n0] = x0;
    o[n1] = x1;
    o[n2] = x2;
    o[n3] = x3;
    o[n4] = x4;
    return o;
  };
}

function reader6(
  short: Short,
  n0: string,
  n1: string,
  n2: string,
  n3: string,
  n4: string,
  n5: string,
  d0: Reader,
  d1: Reader,
  d2: Reader,
  d3: Reader,
  d4: Reader,
  d5: Reader,
  r0: number,
  r1: number,
  r2: number,
  r3: number,
  r4: number,
  r5: number,
): Reader {
  return (s) => {
    if (s.p + r0 > s.end) short(0, s);
    const x0 = d0(s);
    if (s.p + r1 > s.end) short(1, s);
    const x1 = d1(s);
    if (s.p + r2 > s.end) short(2, s);
    const x2 = d2(s);
    if (s.p + r3 > s.end) short(3, s);
    const x3 = d3(s);
    if (s.p + r4 > s.end) short(4, s);
    const x4 = d4(s);
    if (s.p + r5 > s.end) short(5, s);
    const x5 = d5(s);
    const o: Record<string, unknown> = {};
    o[n0] = x0;
    o[n1] = x1;
    o[n2] = x2;
    o[n3] = x3;
    o[n4] = x4;
    o[n5] = x5;
    return o;
  };
}
