import { ALL_PRIMITIVES } from './closure-primitives.js';
import { SchemaCodec } from './codec.js';
import { enableBytes, enablePrimitives } from './engine-closures.js';
import { BpError } from './errors.js';
import { type CodePair, INTEGER_CODES } from './header-format.js';
import type { SchemaNode } from './schema-node.js';

/** The value type of a one-value Python `struct` format string. */
export type FormatValue<F extends string> = F extends `${string}${'q' | 'Q'}`
  ? bigint
  : F extends `${string}?`
    ? boolean
    : F extends `${string}s`
      ? Uint8Array
      : number;

// The codes beyond the integer ones a header may use. Kept apart rather than spread into one
// table: a spread at module level is a side effect to a bundler, which then keeps this module
// (and the whole format parser) in apps that never call fromFormat.
const NON_HEADER_CODES: Readonly<Record<string, CodePair>> = {
  '?': ['bool', 'bool'],
  // Standard sizes (any explicit byte order): q/Q are 8 bytes, as in Python's struct.
  q: ['i64', 'i64le'],
  Q: ['u64', 'u64le'],
  f: ['f32', 'f32le'],
  d: ['f64', 'f64le'],
};

function refuse(format: string, why: string): never {
  throw new BpError('invalid-format', `format ${JSON.stringify(format)}: ${why}`);
}

/** @internal Parses a one-value format string into a schema node. */
export function formatNode(format: string): SchemaNode {
  if (typeof format !== 'string' || format.length === 0)
    refuse(String(format), 'expected a format string like ">I"');
  const order = format[0];
  if (order === '@' || order === '=' || !'<>!'.includes(order)) {
    refuse(
      format,
      "needs an explicit byte order '<' (little-endian), '>' or '!' (big-endian): native order and alignment ('@', '=' or no prefix) differ between machines",
    );
  }
  const m = /^(\d*)([A-Za-z?])$/.exec(format.slice(1));
  if (m === null)
    refuse(format, 'expected exactly one value: a byte order then one code, like ">H" or ">16s"');
  const [, countText, code] = m;
  if (code === 's') {
    const n = countText === '' ? 1 : Number(countText);
    if (!Number.isSafeInteger(n) || n > 0x7fffffff) refuse(format, 'byte count too large');
    enableBytes();
    return { kind: 'bytes', length: n, prefix: 4, copy: false };
  }
  const pair = INTEGER_CODES[code] ?? NON_HEADER_CODES[code];
  if (pair === undefined) {
    refuse(format, `code '${code}' is not supported (supported: b B ? h H i I l L q Q f d and Ns)`);
  }
  if (countText !== '' && countText !== '1')
    refuse(format, 'a repeat count describes several values; use array()');
  enablePrimitives(ALL_PRIMITIVES);
  return { kind: 'prim', name: pair[order === '<' ? 1 : 0] };
}

/**
 * A field codec from a one-value Python `struct` format: byte order `<`, `>` or `!`, then one of
 * `b B ? h H i I l L q Q f d` or `Ns`, with Python's standard sizes and encodings (`q`/`Q` are
 * bigint, `?` boolean, `Ns` N bytes as a Uint8Array, zero-padded when shorter; longer is refused
 * where Python would truncate).
 *
 * @example
 * fromFormat('>I') // same as u32
 * fromFormat('<q') // same as i64le
 */
/* @__NO_SIDE_EFFECTS__ */
export function fromFormat<const F extends string>(format: F): SchemaCodec<FormatValue<F>> {
  return new SchemaCodec<FormatValue<F>>(formatNode(format));
}
