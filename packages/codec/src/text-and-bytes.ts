import { type CodecOptions, SchemaCodec } from './codec.js';
import { enableBytes, enableStrings } from './engine-closures.js';
import type { PrefixWidth } from './schema-node.js';

/** Width of the unsigned big-endian length prefix of a variable-length string or bytes field. */
export type LengthPrefix = 'u8' | 'u16' | 'u32';

const WIDTHS: Record<LengthPrefix, PrefixWidth> = { u8: 1, u16: 2, u32: 4 };

function checkLength(what: string, length: number | undefined): void {
  if (length !== undefined && !(Number.isInteger(length) && length >= 0 && length <= 0x7fffffff)) {
    throw new RangeError(`${what}: length must be a non-negative integer, got ${length}`);
  }
}

function prefixWidth(what: string, prefix: LengthPrefix | undefined): PrefixWidth {
  const width = WIDTHS[prefix ?? 'u32'];
  if (width === undefined) throw new RangeError(`${what}: lengthPrefix must be 'u8', 'u16' or 'u32'`);
  return width;
}

/** Options of {@link string}. */
export interface StringOptions extends CodecOptions {
  /**
   * Fixed size in bytes: the UTF-8 is zero-padded to it, trailing NULs are stripped on decode, so a
   * string ending in NUL is refused on encode. Without it the string is length-prefixed.
   */
  length?: number;
  /** Prefix of a variable-length string: its UTF-8 byte count, unsigned big-endian. Default 'u32'. */
  lengthPrefix?: LengthPrefix;
  /**
   * Refuse malformed UTF-8 on decode with `DecodeError('invalid-value')`. By default a malformed
   * sequence decodes as U+FFFD, as TextDecoder, Node's Buffer and the other binary codecs do:
   * validating costs up to half the decode time of a short string.
   */
  fatal?: boolean;
}

/**
 * A UTF-8 string. By default a u32 big-endian byte count then the bytes; with `length: N`, exactly
 * N bytes, zero-padded. Both directions replace what is not well-formed with U+FFFD, as the web
 * platform's TextEncoder and TextDecoder do: a lone surrogate (ill-formed UTF-16) on encode, a
 * malformed UTF-8 sequence on decode (unless `fatal: true`, which refuses it).
 */
/* @__NO_SIDE_EFFECTS__ */
export function string(options: StringOptions = {}): SchemaCodec<string> {
  checkLength('string', options.length);
  enableStrings();
  return new SchemaCodec<string>(
    {
      kind: 'string',
      length: options.length,
      prefix: prefixWidth('string', options.lengthPrefix),
      fatal: options.fatal === true,
    },
    options.engine,
  );
}

/** Options of {@link bytes}. */
export interface BytesOptions extends CodecOptions {
  /** Fixed size in bytes: shorter values are zero-padded, decode returns all N bytes. */
  length?: number;
  /** Prefix of variable-length bytes: the byte count, unsigned big-endian. Default 'u32'. */
  lengthPrefix?: LengthPrefix;
  /**
   * Decode into a fresh copy. By default decoded bytes are a view into the source buffer (no copy):
   * they change if the source is reused, and keep the whole source alive.
   */
  copy?: boolean;
}

/**
 * Raw bytes as a Uint8Array. By default a u32 big-endian byte count then the bytes; with
 * `length: N`, exactly N bytes (shorter values zero-padded). Decodes to a view unless `copy: true`.
 */
/* @__NO_SIDE_EFFECTS__ */
export function bytes(options: BytesOptions = {}): SchemaCodec<Uint8Array> {
  checkLength('bytes', options.length);
  enableBytes();
  return new SchemaCodec<Uint8Array>(
    {
      kind: 'bytes',
      length: options.length,
      prefix: prefixWidth('bytes', options.lengthPrefix),
      copy: options.copy === true,
    },
    options.engine,
  );
}
