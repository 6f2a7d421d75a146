import { DecodeError } from './errors.js';

/**
 * Limits on what one decode may produce. Every length is also checked against the bytes that are
 * left before anything is allocated; these budgets bound what lengths alone cannot (arrays of
 * zero-size items, deeply nested arrays of small items).
 */
export interface DecodeLimits {
  /** Total array items one decode may produce, across all arrays. Default 1 048 576. */
  maxElements?: number;
  /** Total bytes of length-prefixed strings and bytes one decode may produce. Default: unlimited (bounded by the input). */
  maxBytes?: number;
  /** Deepest schema nesting (struct, array, optional levels) a decode accepts. Default 64. */
  maxDepth?: number;
}

/** Default of {@link DecodeLimits.maxElements}: 1 048 576 array items per decode. */
export const DEFAULT_MAX_ELEMENTS = 1 << 20;
/** Default of {@link DecodeLimits.maxDepth}: 64 levels of struct, array and optional. */
export const DEFAULT_MAX_DEPTH = 64;

const BUDGET = Symbol.for('@bp/codec/decode-budget');

/**
 * What is left of the current decode's budget. Decoding is synchronous and never re-enters a
 * top-level decode, so one shared record is enough and costs no allocation. It is one record per
 * process, not per copy of this package: a codec compiled by one copy (an ESM and a CJS copy) may
 * hold parts compiled by another (engine-closures.ts, `everyCopy`), and all of them must charge
 * the budget the decode started.
 */
export const budget: { elements: number; bytes: number } = ((
  globalThis as { [BUDGET]?: { elements: number; bytes: number } }
)[BUDGET] ??= { elements: 0, bytes: 0 });

/** Starts a decode's budget; throws if the schema is deeper than allowed. */
export function startBudget(limits: DecodeLimits | undefined, depth: number): void {
  if (limits === undefined) {
    budget.elements = DEFAULT_MAX_ELEMENTS;
    budget.bytes = Number.MAX_SAFE_INTEGER;
    return;
  }
  checkDepth(limits, depth);
  budget.elements = limits.maxElements ?? DEFAULT_MAX_ELEMENTS;
  budget.bytes = limits.maxBytes ?? Number.MAX_SAFE_INTEGER;
}

/**
 * Throws `depth-exceeded` when a schema `depth` levels deep is deeper than `limits` allow: all a
 * decode with nothing to budget has to check (small enough for V8 to inline where it is called).
 */
export function checkDepth(limits: DecodeLimits, depth: number): void {
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (depth > maxDepth) throw depthError(depth, maxDepth);
}

function depthError(depth: number, maxDepth: number): DecodeError {
  return new DecodeError('depth-exceeded', `schema nests ${depth} levels, the limit is ${maxDepth}`);
}

/** The error for an array count that would overdraw the element budget. */
export function elementBudgetError(count: number, path: string, offset: number): DecodeError {
  return new DecodeError(
    'budget-exceeded',
    `array of ${count} items exceeds the decode's element budget (${budget.elements + count} left)`,
    path,
    offset,
  );
}

/** The error for a string/bytes length that would overdraw the byte budget. */
export function byteBudgetError(length: number, path: string, offset: number): DecodeError {
  return new DecodeError(
    'budget-exceeded',
    `length ${length} exceeds the decode's byte budget (${budget.bytes + length} left)`,
    path,
    offset,
  );
}

/** The error for a value that does not fit in what is left of the input. */
export function truncatedError(need: number, left: number, path: string, offset: number): DecodeError {
  return new DecodeError('truncated', `needs ${need} bytes, only ${Math.max(0, left)} left`, path, offset);
}

/** The error for a length or count prefix larger than the input can hold. */
export function lengthError(
  what: string,
  length: number,
  left: number,
  path: string,
  offset: number,
): DecodeError {
  return new DecodeError(
    'truncated',
    `${what} ${length} exceeds the ${Math.max(0, left)} bytes left`,
    path,
    offset,
  );
}
