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
 * distinct field-name list of each arity gets the first, every later one shares the second, so
 * the first struct type of each size is not slowed by the others, and two types of one size
 * (STATUS and BLOB) each have their own sites. More copies would give more types their own
 * sites, at ~100 bytes gzipped each in a browser bundle (the codec-alone bundle budget of
 * transport-browser/scripts/bundle-size.mjs had no room for more). Types with the same field
 * names share a copy whichever engine compiled them (their keys are the same, so their sites stay
 * monomorphic or polymorphic at worst).
 */
import type { Reader, Writer } from './closure-types.js';
import { type NotObject, type Short, type Small, unrolledReader, unrolledWriter } from './struct-unrolled.js';
import { unrolledReader as unrolledReaderB, unrolledWriter as unrolledWriterB } from './struct-unrolled-b.js';

interface Unrolled {
  unrolledWriter: (
    names: readonly string[],
    writers: readonly Writer[],
    runs: readonly number[],
    notObject: NotObject,
    small: Small,
  ) => Writer | undefined;
  unrolledReader: (
    names: readonly string[],
    readers: readonly Reader[],
    runs: readonly number[],
    short: Short,
  ) => Reader | undefined;
}

const COPIES: readonly Unrolled[] = [
  { unrolledWriter, unrolledReader },
  { unrolledWriter: unrolledWriterB, unrolledReader: unrolledReaderB },
];

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
