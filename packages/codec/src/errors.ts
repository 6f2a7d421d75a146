/**
 * Error classes of bp. Every error has a stable string `code`. `instanceof` works across two copies
 * of this package (the dual ESM/CJS hazard) because it checks a `Symbol.for` brand, not identity.
 */

const BRANDS = Symbol.for('@bp/error-brands');

type Branded = { readonly [BRANDS]?: readonly string[] };

function brandsOf(value: unknown): readonly string[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const brands = (value as Branded)[BRANDS];
  return Array.isArray(brands) ? brands : undefined;
}

/** Codes {@link BpError.from} gives an error that is not a bp error yet (besides the one asked for). */
export type WrappedErrorCode =
  /** Something that was not a bp error, wrapped without a more specific code. */
  | 'unknown'
  /** An `AbortError`: the operation was cancelled through an `AbortSignal`. */
  | 'aborted'
  /** A `TimeoutError`: an `AbortSignal.timeout` fired. */
  | 'timeout';

function describe(reason: unknown): string {
  if (typeof reason === 'string') return reason;
  if (reason === null || reason === undefined || typeof reason !== 'object')
    return `non-error value thrown: ${String(reason)}`;
  const message = (reason as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  try {
    return `non-error value thrown: ${JSON.stringify(reason)?.slice(0, 200)}`;
  } catch {
    return 'non-error value thrown: an object that cannot be shown';
  }
}

/** Options accepted by every bp error constructor. */
export interface BpErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * Base class of every error bp throws. Subclasses in other packages should declare their own
 * `static readonly brand = '@bp/<package>:<Name>'` so that `instanceof` keeps working when two
 * copies of a package are loaded (ESM and CJS).
 */
export class BpError extends Error {
  /** The identity used by `instanceof` across package copies. */
  static readonly brand: string = '@bp/codec:BpError';

  /** A stable, machine-readable error code. */
  readonly code: string;

  declare readonly [BRANDS]: readonly string[];

  constructor(code: string, message: string, options?: BpErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    const brands: string[] = [];
    for (let c: any = new.target; c && c !== Error; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, 'brand')) brands.push(c.brand);
    }
    Object.defineProperty(this, BRANDS, { value: brands, enumerable: false });
    this.name = new.target.name || 'BpError';
  }

  /**
   * Turns anything caught into a `BpError` (like connect-es `ConnectError.from`): a bp error is
   * returned as it is; an `AbortError` becomes code `aborted` and a `TimeoutError` (from
   * `AbortSignal.timeout`) code `timeout`, keeping their message; any other `Error` keeps its
   * message and gets `code`; anything else is described in the message. The original is always
   * the `cause`.
   *
   * @example
   * ```ts
   * try {
   *   await work();
   * } catch (caught) {
   *   const error = BpError.from(caught, 'handler-error');
   *   log(error.code, error.message);
   * }
   * ```
   */
  static from(reason: unknown, code: string = 'unknown'): BpError {
    if (isBpError(reason)) return reason;
    if (reason instanceof Error) {
      const wrapped =
        reason.name === 'AbortError' ? 'aborted' : reason.name === 'TimeoutError' ? 'timeout' : code;
      return new BpError(wrapped, reason.message, { cause: reason });
    }
    return new BpError(code, describe(reason), { cause: reason });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class on the right of `instanceof` (a subclass inherits this method).
    // biome-ignore lint/complexity/noThisInStatic: the receiver is the point here
    const ctor = this as { brand?: string; prototype: object };
    if (!Object.hasOwn(ctor, 'brand')) {
      return (
        typeof value === 'object' &&
        value !== null &&
        Object.prototype.isPrototypeOf.call(ctor.prototype, value)
      );
    }
    const brands = brandsOf(value);
    return brands?.includes(ctor.brand as string) === true;
  }
}

/** Codes a {@link DecodeError} can carry. */
export type DecodeErrorCode =
  /** The input ends before the value does (or a length exceeds the bytes left). */
  | 'truncated'
  /** A byte pattern that no value encodes to: bool/optional flag not 0/1, enum value not listed, bad UTF-8. */
  | 'invalid-value'
  /** A message header names a type the protocol does not know. */
  | 'unknown-type'
  /** A message payload is larger than `maxPayloadSize`. */
  | 'payload-too-large'
  /** A message has bytes left over after its payload was decoded. */
  | 'trailing-bytes'
  /** A decode would exceed its element or byte budget. */
  | 'budget-exceeded'
  /** The schema nests deeper than the decode's depth limit. */
  | 'depth-exceeded'
  /** The offset/end arguments do not describe a range inside the source. */
  | 'invalid-range';

/** Codes an {@link EncodeError} can carry. */
export type EncodeErrorCode =
  /** A number outside its type's range (u8 300, 1.5 for an integer, 1e39 for f32). */
  | 'out-of-range'
  /** A required struct field is `undefined`. */
  | 'missing-field'
  /** A value of the wrong JavaScript type (a number for a bigint field, a string for a number...). */
  | 'type-mismatch'
  /** A string or bytes value longer than its fixed length or its length prefix allows. */
  | 'too-long'
  /** A fixed-count array with the wrong number of items. */
  | 'invalid-length'
  /** A value outside an enum or union, or a fixed-length string ending in NUL (it would read back without it). */
  | 'invalid-value'
  /** The message type is not part of the protocol. */
  | 'unknown-type'
  /** The payload is larger than `maxPayloadSize`. */
  | 'payload-too-large'
  /** The target buffer has no room for the value at the given offset. */
  | 'buffer-too-small'
  /** The offset argument is not an integer inside the target. */
  | 'invalid-range';

function withPath(path: string, detail: string): string {
  return path === '' ? detail : `${path}: ${detail}`;
}

/** Thrown when bytes do not decode to a value of the schema. Decoding never throws anything else. */
export class DecodeError extends BpError {
  static override readonly brand: string = '@bp/codec:DecodeError';
  declare readonly code: DecodeErrorCode;
  /** Dotted field path of the value being decoded (`status.message`, `items[3].id`), '' at the root. */
  path: string;
  /** Byte offset (into the source) where the failing value starts. */
  readonly offset: number;
  /** The message without its path prefix. */
  readonly detail: string;

  constructor(code: DecodeErrorCode, detail: string, path = '', offset = 0, options?: BpErrorOptions) {
    super(code, withPath(path, detail), options);
    this.path = path;
    this.offset = offset;
    this.detail = detail;
  }
}

/** Thrown when a value does not fit its schema. Encoding never wraps or truncates silently. */
export class EncodeError extends BpError {
  static override readonly brand: string = '@bp/codec:EncodeError';
  declare readonly code: EncodeErrorCode;
  /** Dotted field path of the offending value, '' at the root. */
  path: string;
  /** The message without its path prefix. */
  readonly detail: string;

  constructor(code: EncodeErrorCode, detail: string, path = '', options?: BpErrorOptions) {
    super(code, withPath(path, detail), options);
    this.path = path;
    this.detail = detail;
  }
}

/** True for any error thrown by bp (any package), across ESM/CJS copies. */
export function isBpError(value: unknown): value is BpError {
  return brandsOf(value)?.includes(BpError.brand) === true;
}

/** True for a {@link DecodeError}, across ESM/CJS copies. */
export function isDecodeError(value: unknown): value is DecodeError {
  return brandsOf(value)?.includes(DecodeError.brand) === true;
}

/** True for an {@link EncodeError}, across ESM/CJS copies. */
export function isEncodeError(value: unknown): value is EncodeError {
  return brandsOf(value)?.includes(EncodeError.brand) === true;
}

/**
 * Moves an error to another path: containers learn an array index or a message name only after a
 * nested value failed. Non-bp errors pass through unchanged.
 * @internal
 */
export function relocateError(e: unknown, from: string, to: string): unknown {
  if ((isDecodeError(e) || isEncodeError(e)) && e.path.startsWith(from)) {
    const rest = e.path.slice(from.length);
    e.path =
      to === ''
        ? rest.replace(/^\./, '')
        : rest === '' || rest.startsWith('[') || rest.startsWith('.')
          ? to + rest
          : `${to}.${rest}`;
    e.message = withPath(e.path, e.detail);
  }
  return e;
}
