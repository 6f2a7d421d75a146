/**
 * Which copy of the unrolled struct writers and readers a struct type uses (closures engine).
 *
 * V8 keeps type feedback per function literal, shared by every closure made from it. With one
 * literal per arity, all struct types of that arity in a program share the property loads
 * `v[n0]`, the stores `o[n0] = x` and the calls to field writers: two of them (STATUS
 * `{ statusCode, message }` and BLOB `{ blobId, data }`) already make those sites megamorphic,
 * and the optimizing compiler then emits generic loads and stores where it could have inlined
 * them (measured in bench/FINDINGS.md, "closures: one copy of the unrolled literals per struct
 * type"). There are {@link STRUCT_SITE_COPIES} verbatim copies of the literals; the first
 * `STRUCT_SITE_COPIES - 1` distinct field-name lists get one each, every later one shares the
 * last. Types with the same field names share a copy whichever engine compiled them (their keys
 * are the same, so their sites stay monomorphic or polymorphic at worst).
 */
import type { Reader, Writer } from './closure-types.js';
import * as a from './struct-unrolled.js';
import * as b from './struct-unrolled-b.js';
import * as c from './struct-unrolled-c.js';
import * as d from './struct-unrolled-d.js';

interface Unrolled {
  unrolledWriter: (
    names: readonly string[],
    writers: readonly Writer[],
    runs: readonly number[],
    notObject: a.NotObject,
    small: a.Small,
  ) => Writer | undefined;
  unrolledReader: (
    names: readonly string[],
    readers: readonly Reader[],
    runs: readonly number[],
    short: a.Short,
  ) => Reader | undefined;
}

const COPIES: readonly Unrolled[] = [a, b, c, d];

/** How many copies of the unrolled struct literals there are. */
export const STRUCT_SITE_COPIES = COPIES.length;

/**
 * The copy given to each of the first field-name lists of each arity (at most
 * `STRUCT_SITE_COPIES - 1` per arity are remembered: every later list gets the last copy, so this
 * stays small however many schemas a long-running program compiles).
 */
const assigned = new Map<string, number>();
const givenByArity = new Map<number, number>();
const LAST = COPIES.length - 1;
/** Arities the copies unroll (more fields take the loop, which has no per-type literal). */
const MAX_UNROLLED = 6;

/** The copy of the unrolled literals for a struct with these field names. */
export function unrolledFor(names: readonly string[]): Unrolled {
  if (names.length > MAX_UNROLLED) return COPIES[LAST];
  const k = JSON.stringify(names);
  const known = assigned.get(k);
  if (known !== undefined) return COPIES[known];
  const given = givenByArity.get(names.length) ?? 0;
  if (given >= LAST) return COPIES[LAST];
  givenByArity.set(names.length, given + 1);
  assigned.set(k, given);
  return COPIES[given];
}
