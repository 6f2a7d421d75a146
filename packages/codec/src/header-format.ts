import { INTEGER_PRIMITIVES } from './closure-primitives.js';
import { enablePrimitives } from './engine-closures.js';
import { BpError } from './errors.js';
import type { PrimitiveName, PrimNode } from './schema-node.js';

/** A Python `struct` code's primitive in big-endian (`>`, `!`) and little-endian (`<`) order. */
export type CodePair = readonly [big: PrimitiveName, little: PrimitiveName];

/**
 * The number codes of Python `struct` that fit a JavaScript number exactly, with the standard
 * sizes of any explicit byte order (l/L are 4 bytes): what a message-type header may be, and
 * the integer part of the field formats (format.ts).
 */
export const INTEGER_CODES: Readonly<Record<string, CodePair>> = {
  b: ['i8', 'i8'],
  B: ['u8', 'u8'],
  h: ['i16', 'i16le'],
  H: ['u16', 'u16le'],
  i: ['i32', 'i32le'],
  I: ['u32', 'u32le'],
  l: ['i32', 'i32le'],
  L: ['u32', 'u32le'],
};

/**
 * The node of a message-type header format: a one-value integer Python `struct` format with an
 * explicit byte order, such as `'>H'`. Its own small parser rather than the field format parser
 * (`fromFormat`), which an app that spells no field in Python's formats need not bundle. `what`
 * names the protocol class in the error.
 */
export function headerFormatNode(format: unknown, what = 'ProtocolConfig'): PrimNode {
  const match = typeof format === 'string' ? /^([<>!])1?([bBhHiIlL])$/.exec(format) : null;
  if (match === null) {
    throw new BpError(
      'invalid-format',
      `${what}: headerFormat ${JSON.stringify(format)} must be a byte order ('<' little-endian, '>' or '!' big-endian) then one integer code (b B h H i I l L), such as '>H'`,
    );
  }
  const [big, little] = INTEGER_CODES[match[2] as string] as CodePair;
  enablePrimitives(INTEGER_PRIMITIVES);
  return { kind: 'prim', name: match[1] === '<' ? little : big };
}
