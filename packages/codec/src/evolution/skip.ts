/**
 * Skipping a value without building it: what a resolved codec does with a field only the writer
 * has. Sizes are bounds-checked and budgets are charged exactly as decoding would (so a skipped
 * field cannot be used to slip past the limits), and the bytes that decide the layout (length and
 * count prefixes, optional flags, union tags) are checked; the contents of skipped values
 * (bools, enum values, UTF-8) are not looked at.
 */
import {
  budget,
  byteBudgetError,
  elementBudgetError,
  lengthError,
  truncatedError,
} from '../decode-limits.js';
import { DecodeError, relocateError } from '../errors.js';
import { primitiveSpec } from '../primitive-specs.js';
import {
  type ArrayNode,
  fixedSizeOf,
  minSizeOf,
  type OptionalNode,
  type PrimNode,
  type SchemaNode,
  type Skipper,
  type StructNode,
  type UnionNode,
} from '../schema-node.js';

/** True when skipping a value of `node` is only moving past its fixed size. */
export function skipsFree(node: SchemaNode): boolean {
  return fixedSizeOf(node) !== undefined && fixedElements(node) === 0;
}

/** Array items a value of a fixed-size node charges to the element budget. */
export function fixedElements(node: SchemaNode): number {
  switch (node.kind) {
    case 'array':
      return (node.length as number) * (1 + fixedElements(node.item));
    case 'struct':
      return node.fields.reduce((n, f) => n + fixedElements(f.node), 0);
    default:
      return 0;
  }
}

/** A union tag of `repr` at `at`, read from the bytes (no DataView: see {@link compileSkipper}). */
function readWire(repr: PrimNode, u8: Uint8Array, at: number): number {
  const spec = primitiveSpec(repr.name);
  const signed = spec.min !== 0;
  switch (spec.size) {
    case 1:
      return signed ? (u8[at] << 24) >> 24 : u8[at];
    case 2: {
      const n = spec.littleEndian ? u8[at] | (u8[at + 1] << 8) : (u8[at] << 8) | u8[at + 1];
      return signed ? (n << 16) >> 16 : n;
    }
    default: {
      const n = spec.littleEndian
        ? u8[at] | (u8[at + 1] << 8) | (u8[at + 2] << 16) | (u8[at + 3] << 24)
        : (u8[at] << 24) | (u8[at + 1] << 16) | (u8[at + 2] << 8) | u8[at + 3];
      return signed ? n : n >>> 0;
    }
  }
}

/** A big-endian length or count prefix of `width` bytes at `at`. */
function readPrefix(u8: Uint8Array, width: number, at: number): number {
  if (width === 1) return u8[at];
  if (width === 2) return (u8[at] << 8) | u8[at + 1];
  return ((u8[at] << 24) | (u8[at + 1] << 16) | (u8[at + 2] << 8) | u8[at + 3]) >>> 0;
}

function fieldPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}

/** A skipper that moves past `size` bytes (checked) and charges `elements` array items. */
function fixedSkipper(size: number, elements: number, path: string): Skipper {
  if (elements === 0) {
    return (_u8, _dv, _b, p, end) => {
      if (p + size > end) throw truncatedError(size, end - p, path, p);
      return p + size;
    };
  }
  return (_u8, _dv, _b, p, end) => {
    if (p + size > end) throw truncatedError(size, end - p, path, p);
    if ((budget.elements -= elements) < 0) throw elementBudgetError(elements, path, p);
    return p + size;
  };
}

/** `skip` after `size` bytes of fixed-size fields (nothing charged) that come before it. */
function afterFixed(size: number, path: string, skip: Skipper): Skipper {
  return (u8, dv, b, p, end) => {
    if (p + size > end) throw truncatedError(size, end - p, path, p);
    return skip(u8, dv, b, p + size, end);
  };
}

/** A length-prefixed string or byte string (`width`-byte prefix), starting at `p`. */
function textSkipper(width: number, path: string): Skipper {
  return (u8, _dv, _b, p, end) => {
    if (p + width > end) throw truncatedError(width, end - p, path, p);
    const n = readPrefix(u8, width, p);
    const start = p + width;
    if (n > end - start) throw lengthError('length', n, end - start, path, p);
    if ((budget.bytes -= n) < 0) throw byteBudgetError(n, path, p);
    return start + n;
  };
}

/** One step of skipping a struct: a run of fixed-size fields that charge nothing, or one field. */
export type StructSkipStep =
  | { readonly run: number; readonly path: string }
  | { readonly run: 0; readonly node: SchemaNode; readonly path: string };

/**
 * The plan for skipping a struct, shared by the skipper closures and the generated engine's inline
 * skips: runs of fixed-size fields that charge nothing folded into one room check, named for the
 * run's first field, and every other field a step of its own.
 */
export function structSkipSteps(node: StructNode, path: string): StructSkipStep[] {
  const steps: StructSkipStep[] = [];
  let run = 0;
  let runPath = path;
  for (const f of node.fields) {
    const fp = fieldPath(path, f.name);
    const fixed = fixedSizeOf(f.node);
    if (fixed !== undefined && fixedElements(f.node) === 0) {
      if (run === 0) runPath = fp;
      run += fixed;
      continue;
    }
    if (run !== 0) steps.push({ run, path: runPath });
    steps.push({ run: 0, node: f.node, path: fp });
    run = 0;
  }
  if (run !== 0) steps.push({ run, path: runPath });
  return steps;
}

/** One step per field, with runs of fixed-size fields that charge nothing folded into one check. */
function structSkipper(node: StructNode, path: string): Skipper {
  const steps: Skipper[] = [];
  let pending: { run: number; path: string } | undefined;
  for (const step of structSkipSteps(node, path)) {
    if (!('node' in step)) {
      pending = step;
      continue;
    }
    const skip = compileSkipper(step.node, step.path);
    steps.push(pending === undefined ? skip : afterFixed(pending.run, pending.path, skip));
    pending = undefined;
  }
  if (pending !== undefined) steps.push(fixedSkipper(pending.run, 0, pending.path));
  // Fixed arities call their steps directly (one closure, no loop); longer structs loop.
  switch (steps.length) {
    case 0:
      return (_u8, _dv, _b, p) => p;
    case 1:
      return steps[0];
    case 2: {
      const [a, c] = steps;
      return (u8, dv, b, p, end) => c(u8, dv, b, a(u8, dv, b, p, end), end);
    }
    case 3: {
      const [a, c, d] = steps;
      return (u8, dv, b, p, end) => d(u8, dv, b, c(u8, dv, b, a(u8, dv, b, p, end), end), end);
    }
    default:
      return (u8, dv, b, p, end) => {
        for (let i = 0; i < steps.length; i++) p = steps[i](u8, dv, b, p, end);
        return p;
      };
  }
}

function arraySkipper(node: ArrayNode, path: string): Skipper {
  const itemPath = `${path}[]`;
  const itemFixed = fixedSizeOf(node.item);
  const min = minSizeOf(node.item);
  const count = node.length;
  if (itemFixed !== undefined) {
    // Items are stepped over at once: room was checked against n * min = n * itemFixed.
    const itemElements = fixedElements(node.item);
    if (count === undefined) {
      return (u8, _dv, _b, p, end) => {
        if (p + 4 > end) throw truncatedError(4, end - p, path, p);
        const n = readPrefix(u8, 4, p);
        const q = p + 4;
        if (n * min > end - q) throw lengthError('count', n, end - q, path, p);
        const charge = n + n * itemElements;
        if ((budget.elements -= charge) < 0) {
          throw elementBudgetError(budget.elements + charge < n ? n : n * itemElements, path, p);
        }
        return q + n * itemFixed;
      };
    }
    // A fixed-length array of fixed-size items is itself fixed-size (handled by the caller).
  }
  const item = compileSkipper(node.item, itemPath);
  return (u8, dv, b, p, end) => {
    const start = p;
    let n: number;
    if (count === undefined) {
      if (p + 4 > end) throw truncatedError(4, end - p, path, p);
      n = readPrefix(u8, 4, p);
      p += 4;
      if (n * min > end - p) throw lengthError('count', n, end - p, path, start);
    } else {
      n = count;
      if (n * min > end - p) throw truncatedError(n * min, end - p, path, p);
    }
    if ((budget.elements -= n) < 0) throw elementBudgetError(n, path, start);
    let i = 0;
    try {
      for (; i < n; i++) p = item(u8, dv, b, p, end);
    } catch (e) {
      throw relocateError(e, itemPath, `${path}[${i}]`);
    }
    return p;
  };
}

function optionalSkipper(node: OptionalNode, path: string): Skipper {
  const flagError = (flag: number, p: number) =>
    new DecodeError('invalid-value', `optional flag is ${flag}, not 0 or 1`, path, p);
  const inner = node.item;
  if ((inner.kind === 'string' || inner.kind === 'bytes') && inner.length === undefined) {
    // The common optional(string()): flag and length prefix read in one closure.
    const width = inner.prefix;
    return (u8, _dv, _b, p, end) => {
      if (p + 1 > end) throw truncatedError(1, end - p, path, p);
      const flag = u8[p];
      if (flag === 0) return p + 1;
      if (flag !== 1) throw flagError(flag, p);
      p += 1;
      if (p + width > end) throw truncatedError(width, end - p, path, p);
      const n = readPrefix(u8, width, p);
      const start = p + width;
      if (n > end - start) throw lengthError('length', n, end - start, path, p);
      if ((budget.bytes -= n) < 0) throw byteBudgetError(n, path, p);
      return start + n;
    };
  }
  const item = compileSkipper(inner, path);
  return (u8, dv, b, p, end) => {
    if (p + 1 > end) throw truncatedError(1, end - p, path, p);
    const flag = u8[p];
    if (flag === 0) return p + 1;
    if (flag !== 1) throw flagError(flag, p);
    return item(u8, dv, b, p + 1, end);
  };
}

function unionSkipper(node: UnionNode, path: string): Skipper {
  const size = primitiveSpec(node.repr.name).size;
  const tagPath = fieldPath(path, node.tagKey);
  const variants = new Map(node.variants.map((v) => [v.wire, compileSkipper(v.node, path)]));
  const repr = node.repr;
  return (u8, dv, b, p, end) => {
    if (p + size > end) throw truncatedError(size, end - p, tagPath, p);
    const w = readWire(repr, u8, p);
    const skip = variants.get(w);
    if (skip === undefined)
      throw new DecodeError('invalid-value', `${w} is not a tag of the union`, tagPath, p);
    return skip(u8, dv, b, p + size, end);
  };
}

/**
 * A function that skips one value of `node` at `p` (an offset into `u8`) and returns the offset
 * after it. Skippers read only `u8` (never `dv` or `b`, which an engine may pass as it likes), and
 * are built as a plan ahead of time: fixed-size parts are one bounds check and an offset bump,
 * runs of them inside a struct are folded into one, and the common shapes (an array of fixed-size
 * items, an optional string) are one closure each.
 */
export function compileSkipper(node: SchemaNode, path: string): Skipper {
  const fixed = fixedSizeOf(node);
  if (fixed !== undefined) return fixedSkipper(fixed, fixedElements(node), path);
  switch (node.kind) {
    case 'string':
    case 'bytes':
      return textSkipper(node.prefix, path);
    case 'array':
      return arraySkipper(node, path);
    case 'optional':
      return optionalSkipper(node, path);
    case 'struct':
      return structSkipper(node, path);
    case 'union':
      return unionSkipper(node, path);
    default:
      throw new TypeError(`cannot skip a ${node.kind} node`);
  }
}
