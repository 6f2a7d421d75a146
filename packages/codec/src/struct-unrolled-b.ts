/**
 * Copy B of the unrolled struct writers and readers: the same source text as
 * `unrolledWriter` and `unrolledReader` in struct-unrolled.ts (a test compares them), in function
 * literals of its own. V8 keeps type feedback per function literal, so struct types that use
 * different copies do not share call, load and store sites (see struct-sites.ts). Edit
 * struct-unrolled.ts, then copy the two functions here verbatim.
 */
import type { Reader, Writer } from './closure-types.js';
import type { NotObject, Short, Small } from './struct-unrolled.js';

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
