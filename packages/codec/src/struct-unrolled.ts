/**
 * Struct writers and readers unrolled for 1 to 6 fields, for the closures engine. A loop over
 * field closures makes every call and property access site megamorphic; here each arity has its
 * own function literals, so in a program with a few message types V8 sees monomorphic or
 * polymorphic sites it can inline. No eval: this is plain source.
 */
import type { Reader, ReadState, Writer } from './closure-types.js';
import { F32_OVERFLOW_SQUARED } from './primitive-specs.js';

/** Throws the error for a value that is not an object. */
export type NotObject = (v: unknown) => never;
/** Throws buffer-too-small for the run of fixed-size fields starting at field `i`. */
export type Small = (i: number, t: Uint8Array, p: number) => never;
/** Throws truncated for the run of fixed-size fields starting at field `i`. */
export type Short = (i: number, s: ReadState) => never;

/**
 * An unrolled writer, or undefined for more than 6 fields. `runs[i]` is the size of the run of
 * fixed-size fields starting at field i whose room must be checked first (0: none).
 */
export function unrolledWriter(
  names: readonly string[],
  writers: readonly Writer[],
  runs: readonly number[],
  notObject: NotObject,
  small: Small,
): Writer | undefined {
  switch (names.length) {
    case 1: {
      const [n0] = names;
      const [w0] = writers;
      const [r0] = runs;
      return (v, t, dv, p) => {
        if (typeof v !== 'object' || v === null) notObject(v);
        if (r0 !== 0 && p + r0 > t.length) small(0, t, p);
        p = w0(v[n0], t, dv, p);
        return p;
      };
    }
    case 2: {
      const [n0, n1] = names;
      const [w0, w1] = writers;
      const [r0, r1] = runs;
      return (v, t, dv, p) => {
        if (typeof v !== 'object' || v === null) notObject(v);
        if (r0 !== 0 && p + r0 > t.length) small(0, t, p);
        p = w0(v[n0], t, dv, p);
        if (r1 !== 0 && p + r1 > t.length) small(1, t, p);
        p = w1(v[n1], t, dv, p);
        return p;
      };
    }
    case 3: {
      const [n0, n1, n2] = names;
      const [w0, w1, w2] = writers;
      const [r0, r1, r2] = runs;
      return (v, t, dv, p) => {
        if (typeof v !== 'object' || v === null) notObject(v);
        if (r0 !== 0 && p + r0 > t.length) small(0, t, p);
        p = w0(v[n0], t, dv, p);
        if (r1 !== 0 && p + r1 > t.length) small(1, t, p);
        p = w1(v[n1], t, dv, p);
        if (r2 !== 0 && p + r2 > t.length) small(2, t, p);
        p = w2(v[n2], t, dv, p);
        return p;
      };
    }
    case 4: {
      const [n0, n1, n2, n3] = names;
      const [w0, w1, w2, w3] = writers;
      const [r0, r1, r2, r3] = runs;
      return (v, t, dv, p) => {
        if (typeof v !== 'object' || v === null) notObject(v);
        if (r0 !== 0 && p + r0 > t.length) small(0, t, p);
        p = w0(v[n0], t, dv, p);
        if (r1 !== 0 && p + r1 > t.length) small(1, t, p);
        p = w1(v[n1], t, dv, p);
        if (r2 !== 0 && p + r2 > t.length) small(2, t, p);
        p = w2(v[n2], t, dv, p);
        if (r3 !== 0 && p + r3 > t.length) small(3, t, p);
        p = w3(v[n3], t, dv, p);
        return p;
      };
    }
    case 5: {
      const [n0, n1, n2, n3, n4] = names;
      const [w0, w1, w2, w3, w4] = writers;
      const [r0, r1, r2, r3, r4] = runs;
      return (v, t, dv, p) => {
        if (typeof v !== 'object' || v === null) notObject(v);
        if (r0 !== 0 && p + r0 > t.length) small(0, t, p);
        p = w0(v[n0], t, dv, p);
        if (r1 !== 0 && p + r1 > t.length) small(1, t, p);
        p = w1(v[n1], t, dv, p);
        if (r2 !== 0 && p + r2 > t.length) small(2, t, p);
        p = w2(v[n2], t, dv, p);
        if (r3 !== 0 && p + r3 > t.length) small(3, t, p);
        p = w3(v[n3], t, dv, p);
        if (r4 !== 0 && p + r4 > t.length) small(4, t, p);
        p = w4(v[n4], t, dv, p);
        return p;
      };
    }
    case 6: {
      const [n0, n1, n2, n3, n4, n5] = names;
      const [w0, w1, w2, w3, w4, w5] = writers;
      const [r0, r1, r2, r3, r4, r5] = runs;
      return (v, t, dv, p) => {
        if (typeof v !== 'object' || v === null) notObject(v);
        if (r0 !== 0 && p + r0 > t.length) small(0, t, p);
        p = w0(v[n0], t, dv, p);
        if (r1 !== 0 && p + r1 > t.length) small(1, t, p);
        p = w1(v[n1], t, dv, p);
        if (r2 !== 0 && p + r2 > t.length) small(2, t, p);
        p = w2(v[n2], t, dv, p);
        if (r3 !== 0 && p + r3 > t.length) small(3, t, p);
        p = w3(v[n3], t, dv, p);
        if (r4 !== 0 && p + r4 > t.length) small(4, t, p);
        p = w4(v[n4], t, dv, p);
        if (r5 !== 0 && p + r5 > t.length) small(5, t, p);
        p = w5(v[n5], t, dv, p);
        return p;
      };
    }
    default:
      return undefined;
  }
}

/** An unrolled reader (see {@link unrolledWriter}), or undefined for more than 6 fields. */
export function unrolledReader(
  names: readonly string[],
  readers: readonly Reader[],
  runs: readonly number[],
  short: Short,
): Reader | undefined {
  switch (names.length) {
    case 1: {
      const [n0] = names;
      const [d0] = readers;
      const [r0] = runs;
      return (s) => {
        if (r0 !== 0 && s.p + r0 > s.end) short(0, s);
        const x0 = d0(s);
        const o: Record<string, unknown> = {};
        o[n0] = x0;
        return o;
      };
    }
    case 2: {
      const [n0, n1] = names;
      const [d0, d1] = readers;
      const [r0, r1] = runs;
      return (s) => {
        if (r0 !== 0 && s.p + r0 > s.end) short(0, s);
        const x0 = d0(s);
        if (r1 !== 0 && s.p + r1 > s.end) short(1, s);
        const x1 = d1(s);
        const o: Record<string, unknown> = {};
        o[n0] = x0;
        o[n1] = x1;
        return o;
      };
    }
    case 3: {
      const [n0, n1, n2] = names;
      const [d0, d1, d2] = readers;
      const [r0, r1, r2] = runs;
      return (s) => {
        if (r0 !== 0 && s.p + r0 > s.end) short(0, s);
        const x0 = d0(s);
        if (r1 !== 0 && s.p + r1 > s.end) short(1, s);
        const x1 = d1(s);
        if (r2 !== 0 && s.p + r2 > s.end) short(2, s);
        const x2 = d2(s);
        const o: Record<string, unknown> = {};
        o[n0] = x0;
        o[n1] = x1;
        o[n2] = x2;
        return o;
      };
    }
    case 4: {
      const [n0, n1, n2, n3] = names;
      const [d0, d1, d2, d3] = readers;
      const [r0, r1, r2, r3] = runs;
      return (s) => {
        if (r0 !== 0 && s.p + r0 > s.end) short(0, s);
        const x0 = d0(s);
        if (r1 !== 0 && s.p + r1 > s.end) short(1, s);
        const x1 = d1(s);
        if (r2 !== 0 && s.p + r2 > s.end) short(2, s);
        const x2 = d2(s);
        if (r3 !== 0 && s.p + r3 > s.end) short(3, s);
        const x3 = d3(s);
        const o: Record<string, unknown> = {};
        o[n0] = x0;
        o[n1] = x1;
        o[n2] = x2;
        o[n3] = x3;
        return o;
      };
    }
    case 5: {
      const [n0, n1, n2, n3, n4] = names;
      const [d0, d1, d2, d3, d4] = readers;
      const [r0, r1, r2, r3, r4] = runs;
      return (s) => {
        if (r0 !== 0 && s.p + r0 > s.end) short(0, s);
        const x0 = d0(s);
        if (r1 !== 0 && s.p + r1 > s.end) short(1, s);
        const x1 = d1(s);
        if (r2 !== 0 && s.p + r2 > s.end) short(2, s);
        const x2 = d2(s);
        if (r3 !== 0 && s.p + r3 > s.end) short(3, s);
        const x3 = d3(s);
        if (r4 !== 0 && s.p + r4 > s.end) short(4, s);
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
    case 6: {
      const [n0, n1, n2, n3, n4, n5] = names;
      const [d0, d1, d2, d3, d4, d5] = readers;
      const [r0, r1, r2, r3, r4, r5] = runs;
      return (s) => {
        if (r0 !== 0 && s.p + r0 > s.end) short(0, s);
        const x0 = d0(s);
        if (r1 !== 0 && s.p + r1 > s.end) short(1, s);
        const x1 = d1(s);
        if (r2 !== 0 && s.p + r2 > s.end) short(2, s);
        const x2 = d2(s);
        if (r3 !== 0 && s.p + r3 > s.end) short(3, s);
        const x3 = d3(s);
        if (r4 !== 0 && s.p + r4 > s.end) short(4, s);
        const x4 = d4(s);
        if (r5 !== 0 && s.p + r5 > s.end) short(5, s);
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
    default:
      return undefined;
  }
}

const SQ = F32_OVERFLOW_SQUARED;

const PRIMITIVE_PROTOTYPES: readonly object[] = [
  Object.prototype,
  Function.prototype,
  String.prototype,
  Number.prototype,
  Boolean.prototype,
  Symbol.prototype,
  BigInt.prototype,
];

/**
 * Whether a struct of primitive fields with these names may skip the up-front
 * `typeof v === 'object'` test (a dozen instructions in V8, a tenth of SENSOR encodeInto): only
 * null and undefined are refused first (reading a property of them throws), because any other
 * non-object finds none of these names on its prototype, fails a field's check and is then
 * explained as "expected an object", the error the up-front test gave. Not so for a name such as
 * `length`, which a string or a function has.
 */
export function objectCheckCanWait(names: readonly string[]): boolean {
  return names.every((name) => PRIMITIVE_PROTOTYPES.every((proto) => !(name in proto)));
}

/**
 * A writer for a struct of 2 to 4 fields that are all f32 (a vector, a quaternion, a sensor
 * sample), or undefined. One closure writes every field, so V8 inlines one function instead of a
 * struct writer and one writer per field (for SENSOR it ran out of inlining budget at the fourth
 * field), and the range check is one comparison for all fields (see F32_OVERFLOW_SQUARED).
 * `check(v)` runs when a value may be invalid: it throws the error for a non-object, else the
 * first field's error in field order, or returns when all are valid after all (NaN, Infinity).
 * Only for names that pass {@link objectCheckCanWait}: objects are told apart from other values
 * by `check`, not up front.
 */
export function unrolledF32Writer(
  names: readonly string[],
  littleEndian: readonly boolean[],
  notObject: NotObject,
  check: (v: Record<string, unknown>) => void,
): Writer | undefined {
  switch (names.length) {
    case 2: {
      const [n0, n1] = names;
      const [l0, l1] = littleEndian;
      return (v, _t, dv, p) => {
        if (v === null || v === undefined) notObject(v);
        const x0 = v[n0];
        const x1 = v[n1];
        if (typeof x0 !== 'number' || typeof x1 !== 'number' || !(x0 * x0 + x1 * x1 < SQ)) check(v);
        dv.setFloat32(p + 0, x0, l0);
        dv.setFloat32(p + 4, x1, l1);
        return p + 8;
      };
    }
    case 3: {
      const [n0, n1, n2] = names;
      const [l0, l1, l2] = littleEndian;
      return (v, _t, dv, p) => {
        if (v === null || v === undefined) notObject(v);
        const x0 = v[n0];
        const x1 = v[n1];
        const x2 = v[n2];
        if (
          typeof x0 !== 'number' ||
          typeof x1 !== 'number' ||
          typeof x2 !== 'number' ||
          !(x0 * x0 + x1 * x1 + x2 * x2 < SQ)
        )
          check(v);
        dv.setFloat32(p + 0, x0, l0);
        dv.setFloat32(p + 4, x1, l1);
        dv.setFloat32(p + 8, x2, l2);
        return p + 12;
      };
    }
    case 4: {
      const [n0, n1, n2, n3] = names;
      const [l0, l1, l2, l3] = littleEndian;
      return (v, _t, dv, p) => {
        if (v === null || v === undefined) notObject(v);
        const x0 = v[n0];
        const x1 = v[n1];
        const x2 = v[n2];
        const x3 = v[n3];
        if (
          typeof x0 !== 'number' ||
          typeof x1 !== 'number' ||
          typeof x2 !== 'number' ||
          typeof x3 !== 'number' ||
          !(x0 * x0 + x1 * x1 + x2 * x2 + x3 * x3 < SQ)
        )
          check(v);
        dv.setFloat32(p + 0, x0, l0);
        dv.setFloat32(p + 4, x1, l1);
        dv.setFloat32(p + 8, x2, l2);
        dv.setFloat32(p + 12, x3, l3);
        return p + 16;
      };
    }
    default:
      return undefined;
  }
}
