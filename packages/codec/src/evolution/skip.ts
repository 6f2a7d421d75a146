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
import { PRIMITIVE_SPECS } from '../primitive-specs.js';
import { fixedSizeOf, minSizeOf, type PrimNode, type SchemaNode, type Skipper } from '../schema-node.js';

/** True when skipping a value of `node` is only moving past its fixed size. */
export function skipsFree(node: SchemaNode): boolean {
  return fixedSizeOf(node) !== undefined && fixedElements(node) === 0;
}

/** Array items a value of a fixed-size node charges to the element budget. */
function fixedElements(node: SchemaNode): number {
  switch (node.kind) {
    case 'array':
      return (node.length as number) * (1 + fixedElements(node.item));
    case 'struct':
      return node.fields.reduce((n, f) => n + fixedElements(f.node), 0);
    default:
      return 0;
  }
}

function readWire(repr: PrimNode, dv: DataView, at: number): number {
  const spec = PRIMITIVE_SPECS[repr.name];
  switch (spec.size) {
    case 1:
      return spec.min === 0 ? dv.getUint8(at) : dv.getInt8(at);
    case 2:
      return spec.min === 0 ? dv.getUint16(at, spec.littleEndian) : dv.getInt16(at, spec.littleEndian);
    default:
      return spec.min === 0 ? dv.getUint32(at, spec.littleEndian) : dv.getInt32(at, spec.littleEndian);
  }
}

function fieldPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}

/**
 * A function that skips one value of `node` at `p` (an offset into `u8`; `dv` views the whole
 * buffer, `b` is `u8`'s offset in it) and returns the offset after it.
 */
export function compileSkipper(node: SchemaNode, path: string): Skipper {
  const fixed = fixedSizeOf(node);
  if (fixed !== undefined) {
    const elements = fixedElements(node);
    return (_u8, _dv, _b, p, end) => {
      if (p + fixed > end) throw truncatedError(fixed, end - p, path, p);
      if (elements !== 0 && (budget.elements -= elements) < 0) throw elementBudgetError(elements, path, p);
      return p + fixed;
    };
  }
  switch (node.kind) {
    case 'string':
    case 'bytes': {
      const width = node.prefix;
      return (_u8, dv, b, p, end) => {
        if (p + width > end) throw truncatedError(width, end - p, path, p);
        const n = width === 4 ? dv.getUint32(b + p) : width === 2 ? dv.getUint16(b + p) : dv.getUint8(b + p);
        const start = p + width;
        if (n > end - start) throw lengthError('length', n, end - start, path, p);
        if ((budget.bytes -= n) < 0) throw byteBudgetError(n, path, p);
        return start + n;
      };
    }
    case 'array': {
      const itemPath = `${path}[]`;
      const item = compileSkipper(node.item, itemPath);
      const itemFixed = fixedSizeOf(node.item);
      const itemElements = itemFixed === undefined ? 0 : fixedElements(node.item);
      const min = minSizeOf(node.item);
      const count = node.length;
      return (u8, dv, b, p, end) => {
        const start = p;
        let n: number;
        if (count === undefined) {
          if (p + 4 > end) throw truncatedError(4, end - p, path, p);
          n = dv.getUint32(b + p);
          p += 4;
          if (n * min > end - p) throw lengthError('count', n, end - p, path, start);
        } else {
          n = count;
          if (n * min > end - p) throw truncatedError(n * min, end - p, path, p);
        }
        if ((budget.elements -= n) < 0) throw elementBudgetError(n, path, start);
        if (itemFixed !== undefined) {
          // Room was checked against n * min = n * itemFixed above.
          const more = n * itemElements;
          if (more !== 0 && (budget.elements -= more) < 0) throw elementBudgetError(more, path, start);
          return p + n * itemFixed;
        }
        let i = 0;
        try {
          for (; i < n; i++) p = item(u8, dv, b, p, end);
        } catch (e) {
          throw relocateError(e, itemPath, `${path}[${i}]`);
        }
        return p;
      };
    }
    case 'optional': {
      const item = compileSkipper(node.item, path);
      return (u8, dv, b, p, end) => {
        if (p + 1 > end) throw truncatedError(1, end - p, path, p);
        const flag = u8[p];
        if (flag === 0) return p + 1;
        if (flag !== 1)
          throw new DecodeError('invalid-value', `optional flag is ${flag}, not 0 or 1`, path, p);
        return item(u8, dv, b, p + 1, end);
      };
    }
    case 'struct': {
      const fields = node.fields.map((f) => compileSkipper(f.node, fieldPath(path, f.name)));
      return (u8, dv, b, p, end) => {
        for (const skip of fields) p = skip(u8, dv, b, p, end);
        return p;
      };
    }
    case 'union': {
      const size = PRIMITIVE_SPECS[node.repr.name].size;
      const tagPath = fieldPath(path, node.tagKey);
      const variants = new Map(node.variants.map((v) => [v.wire, compileSkipper(v.node, path)]));
      const repr = node.repr;
      return (u8, dv, b, p, end) => {
        if (p + size > end) throw truncatedError(size, end - p, tagPath, p);
        const w = readWire(repr, dv, b + p);
        const skip = variants.get(w);
        if (skip === undefined)
          throw new DecodeError('invalid-value', `${w} is not a tag of the union`, tagPath, p);
        return skip(u8, dv, b, p + size, end);
      };
    }
    default:
      throw new TypeError(`cannot skip a ${node.kind} node`);
  }
}
