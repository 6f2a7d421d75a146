import { type Codec, type Infer, withEngine } from './codec.js';
import { BpError, DecodeError, EncodeError, relocateError } from './errors.js';
import { headerFormatNode } from './header-format.js';
import type { MessageStructure } from './message-structure.js';
import { primitiveSpec } from './primitive-specs.js';
import { protocolCodecHooks } from './protocol-codec-hooks.js';
import {
  type DecodedMessage,
  nonNegative,
  ProtocolSchema,
  type ProtocolSchemaOptions,
  type Responses,
  type Structures,
  type TypeKey,
} from './protocol-schema.js';
import { encodeToSlab, type SlabEncoder } from './slab.js';

export {
  DEFAULT_MAX_PAYLOAD,
  DEFAULT_TIMEOUT_MS,
  type DecodedMessage,
  type MessageTypes,
  type MessageValue,
  type ProtocolDescriptor,
  type ReplyType,
  type ReplyValue,
  type Responses,
  type Structures,
} from './protocol-schema.js';

/** Options of a {@link ProtocolConfig}, named as in the Python `binary_protocol` package. */
export interface ProtocolOptions<S extends Structures = Structures, R extends Responses = Responses>
  extends ProtocolSchemaOptions<S, R> {
  /** The payload codec of each message type: DSL codecs or {@link MessageStructure}s. */
  messageStructures: S;
  /**
   * `true` (default): codecs run compiled (generated code in Node, closures elsewhere).
   * `false`: every payload codec is rebuilt with the interpreted engine, identical bytes.
   */
  enablePerformanceImprovements?: boolean;
  /**
   * The type number of the NOT_FOUND reply of the Python package's wire (a header-only message).
   * Default: every bit of the header set (`0xFFFF` for `'>H'`, `-1` for a signed header). A
   * `notFoundType` given here must not be a declared type. The default may be one: NOT_FOUND is
   * reserved only on the package's wire, so a protocol used on bp's own frames (`createServer` /
   * `connect`) may declare type `0xFFFF`; `BinaryServer`/`BinaryClient` refuse such a protocol
   * until `notFoundType` moves NOT_FOUND aside.
   */
  notFoundType?: number;
  /** Append a checksum to every message (except NOT_FOUND). Default `false`; needs `checksumFunc`. */
  checksumEnabled?: boolean;
  /** The checksum of a message's bytes (header, length, payload); must return `checksumSize` bytes. */
  checksumFunc?: (bytes: Uint8Array) => Uint8Array;
  /** Checks a received checksum. Default: compares it with `checksumFunc` of the same bytes. */
  checksumVerify?: (bytes: Uint8Array, checksum: Uint8Array) => boolean;
  /** Bytes of the checksum trailer. Default 4. */
  checksumSize?: number;
  /**
   * How a `BinaryServer`/`BinaryClient` of `@bp/transport-node` carries the messages: `'tcp'`
   * (default; a stream) or `'udp'` (one message per datagram). The package's `transport_type`.
   */
  transportType?: TransportType;
}

/** The transports of the package's wire: its `TransportType.TCP` and `TransportType.UDP`. */
export type TransportType = 'tcp' | 'udp';

/**
 * The NOT_FOUND type number of a protocol: a number, typed as an enum of no members so that
 * `message.type === MessageType.STATUS` narrows a decoded message past it (use
 * {@link ProtocolConfig.isNotFound} to test for it; with plain number keys, test it first).
 */
export declare enum NotFoundType {}
/** A decoded NOT_FOUND reply: the header alone, decoded to an empty value (as the package does). */
export interface NotFoundMessage {
  readonly type: NotFoundType;
  readonly value: Record<string, never>;
}

/** Bytes of the `>I` length the package writes before a variable payload. */
export const PAYLOAD_LENGTH_SIZE = 4;
/** Default `checksumSize` of a {@link ProtocolConfig}: 4 bytes. */
export const DEFAULT_CHECKSUM_SIZE = 4;

/**
 * A protocol: the message types, their payload codecs and the message-type header, in the
 * spelling of the Python `binary_protocol` package, with its message bytes:
 *
 * - header: the type number in `headerFormat`;
 * - a `>I` payload length, only for a variable {@link MessageStructure} (one with a String or
 *   Uint8Array field without `fixedLength`); fixed structures carry no length;
 * - the payload;
 * - the checksum, when `checksumEnabled`.
 *
 * NOT_FOUND (`notFoundType`) is the header alone. A type given as a bp DSL codec (which the package
 * cannot describe) is header and payload. bp's own sessions frame messages themselves: they write
 * the header and payload of each message inside their frames and never the length or checksum.
 *
 * @example
 * const config = new ProtocolConfig({
 *   messageTypeEnum: MessageType,
 *   messageStructures: { [MessageType.STATUS]: status },
 * });
 * const bytes = config.encodeMessage(MessageType.STATUS, { status_code: 200, message: 'ok' });
 * const { type, value } = config.decodeMessage(bytes);
 */
export class ProtocolConfig<
  const S extends Structures = Structures,
  const R extends Responses = {},
> extends ProtocolSchema<S, R> {
  /** Whether codecs run compiled (true) or interpreted (false). */
  readonly enablePerformanceImprovements: boolean;
  /** The type number of NOT_FOUND replies. */
  readonly notFoundType: NotFoundType;
  /** Whether messages carry a checksum trailer. */
  readonly checksumEnabled: boolean;
  /** Bytes of the checksum trailer (counted only when `checksumEnabled`). */
  readonly checksumSize: number;
  /** The checksum function, if any. */
  readonly checksumFunc: ((bytes: Uint8Array) => Uint8Array) | undefined;
  /** The checksum check, if given. */
  readonly checksumVerify: ((bytes: Uint8Array, checksum: Uint8Array) => boolean) | undefined;
  /** How the package's wire is carried by `BinaryServer`/`BinaryClient`: `'tcp'` or `'udp'`. */
  readonly transportType: TransportType;

  /** Per type, header plus payload as one encoder for the slab of encodeMessage. */
  private readonly slabEncoders = new Map<number, SlabEncoder<unknown>>();
  /** Types whose payload is preceded by the `>I` length (variable MessageStructures). */
  private readonly lengthPrefixed: ReadonlySet<number>;
  private readonly trailerSize: number;

  constructor(options: ProtocolOptions<S, R>) {
    // NOT_FOUND and the engine switch decide what each declared type may be and which codec is
    // kept, so they are settled before the base constructor walks the types.
    const headerSpec = primitiveSpec(headerFormatNode(options.headerFormat ?? '>H').name);
    const [min, max] = [headerSpec.min as number, headerSpec.max as number];
    const explicitNotFound = options.notFoundType !== undefined;
    const notFound = options.notFoundType ?? (min === 0 ? max : -1);
    if (!Number.isInteger(notFound) || notFound < min || notFound > max) {
      throw new BpError(
        'invalid-format',
        `ProtocolConfig: notFoundType ${String(notFound)} does not fit the ${options.headerFormat ?? '>H'} header`,
      );
    }
    const compiled = options.enablePerformanceImprovements !== false;
    const lengthPrefixed = new Set<number>();
    super(options, 'ProtocolConfig', (type, key, given) => {
      if (type === notFound && explicitNotFound) {
        throw new BpError(
          'invalid-format',
          `ProtocolConfig: message type ${key} is the notFoundType given; choose another notFoundType`,
        );
      }
      const hooks = protocolCodecHooks(given);
      if (hooks?.lengthPrefixed) lengthPrefixed.add(type);
      if (compiled || given.engine === 'interpreted') return given;
      // A MessageStructure is rebuilt from its fields so it keeps its own decode rules.
      return hooks !== undefined ? hooks.interpreted() : withEngine(given, 'interpreted');
    });
    this.enablePerformanceImprovements = compiled;
    this.lengthPrefixed = lengthPrefixed;
    this.notFoundType = notFound as NotFoundType;
    this.checksumEnabled = options.checksumEnabled === true;
    this.checksumFunc = options.checksumFunc;
    this.checksumVerify = options.checksumVerify;
    this.checksumSize = nonNegative(
      'ProtocolConfig',
      'checksumSize',
      options.checksumSize,
      DEFAULT_CHECKSUM_SIZE,
    );
    if (this.checksumEnabled && typeof this.checksumFunc !== 'function') {
      // The package then sends no checksum but reads checksumSize bytes: the peers fall out of step.
      throw new BpError('invalid-format', 'ProtocolConfig: checksumEnabled needs a checksumFunc');
    }
    this.trailerSize = this.checksumEnabled ? this.checksumSize : 0;
    this.transportType = options.transportType ?? 'tcp';
    if (this.transportType !== 'tcp' && this.transportType !== 'udp') {
      throw new BpError(
        'invalid-format',
        `ProtocolConfig: transportType must be 'tcp' or 'udp', got ${String(this.transportType)}`,
      );
    }
    for (const [type, codec] of this.codecs) {
      const t = type as TypeKey<S>;
      this.slabEncoders.set(type, {
        encodeInto: (value, target, offset) => this.encodeMessageInto(t, value as never, target, offset),
        // Only asked when the value did not fit the slab: refuse an oversized payload before
        // allocating an array for it.
        byteLength: (value) => {
          let size: number;
          try {
            size = codec.byteLength(value);
          } catch (e) {
            throw relocateError(e, '', this.label(type));
          }
          if (size > this.maxPayloadSize) throw this.tooLarge(type, size);
          return this.envelopeSize(type) + size;
        },
      });
    }
  }

  /** True when messages of `type` carry the `>I` payload length (a variable {@link MessageStructure}). */
  isLengthPrefixed(type: number): boolean {
    return this.lengthPrefixed.has(type);
  }

  /** Size of a whole message in bytes: header, length (if any), payload, checksum (if enabled). */
  messageByteLength<T extends TypeKey<S>>(type: T, value: Infer<S[T]>): number {
    return this.envelopeSize(type) + this.codecFor(type as number).byteLength(value);
  }

  /**
   * Encodes a message (header, `>I` length for variable structures, payload, checksum) into an
   * array of exactly its size (a view into a shared slab for small messages, as with
   * {@link Codec.encode}): the package's `Message.create(...).to_bytes()`.
   */
  encodeMessage<T extends TypeKey<S>>(type: T, value: Infer<S[T]>): Uint8Array {
    const encoder = this.slabEncoders.get(type);
    if (encoder === undefined) throw this.unknownEncode(type);
    return encodeToSlab(encoder, value);
  }

  /**
   * True for a decoded NOT_FOUND reply; narrows the result of {@link ProtocolConfig.decodeMessage}.
   * False for every declared type (a bp-only protocol may declare the default NOT_FOUND number).
   */
  isNotFound(message: { readonly type: number }): message is NotFoundMessage {
    return message.type === this.notFoundType && !this.codecs.has(message.type);
  }

  /**
   * True when NOT_FOUND can be told apart from every message type, as the Python package's wire
   * needs: false only when a declared type is the default `notFoundType` (allowed for protocols
   * used on bp's own frames, where NOT_FOUND does not exist).
   */
  hasDistinctNotFound(): boolean {
    return !this.codecs.has(this.notFoundType);
  }

  /** The NOT_FOUND reply: the header alone, never a length, payload or checksum. */
  encodeNotFound(): Uint8Array {
    const bytes = new Uint8Array(this.headerSize);
    this.header.encodeInto(this.notFoundType, bytes, 0);
    return bytes;
  }

  /**
   * Encodes a message into `target` at `offset` and returns the bytes written; allocates nothing
   * (but for what `checksumFunc` allocates). Throws {@link EncodeError} (`unknown-type`,
   * `payload-too-large`, `buffer-too-small`, `invalid-length` for a checksum of the wrong size, or a
   * value error with the path prefixed by the type name).
   */
  encodeMessageInto<T extends TypeKey<S>>(
    type: T,
    value: Infer<S[T]>,
    target: Uint8Array,
    offset = 0,
  ): number {
    const codec = this.codecFor(type as number);
    const h = this.header.encodeInto(type, target, offset);
    const prefixed = this.lengthPrefixed.has(type);
    const payloadAt = offset + h + (prefixed ? PAYLOAD_LENGTH_SIZE : 0);
    if (payloadAt > target.length) throw this.noRoom(type, payloadAt - target.length);
    const n = this.encodePayload(type, codec, value, target, payloadAt);
    if (prefixed) {
      const at = offset + h;
      target[at] = n >>> 24;
      target[at + 1] = n >>> 16;
      target[at + 2] = n >>> 8;
      target[at + 3] = n;
    }
    const end = payloadAt + n;
    if (!this.checksumEnabled) return end - offset;
    // Room first: checksumFunc is the user's, and may be costly.
    if (end + this.checksumSize > target.length)
      throw this.noRoom(type, end + this.checksumSize - target.length);
    const sum = (this.checksumFunc as (bytes: Uint8Array) => Uint8Array)(target.subarray(offset, end));
    if (!(sum instanceof Uint8Array) || sum.length !== this.checksumSize) {
      throw new EncodeError(
        'invalid-length',
        `checksumFunc returned ${sum instanceof Uint8Array ? `${sum.length} bytes` : typeof sum}, checksumSize is ${this.checksumSize}`,
        this.label(type),
      );
    }
    target.set(sum, end);
    return end + sum.length - offset;
  }

  /** The message type number in the header at `offset` (needs `headerSize` bytes there). */
  readType(bytes: Uint8Array, offset = 0): number {
    if (!(offset >>> 0 === offset && offset + this.headerSize <= bytes.length)) {
      throw new DecodeError('truncated', `message needs a ${this.headerSize}-byte header`, '', offset);
    }
    return this.header.decode(bytes, offset);
  }

  /**
   * Framing by the type's structure: the size of the whole message that starts at `offset`, from
   * what `bytes[offset..end)` holds so far; undefined while the header (or, for a variable
   * structure, the length) is incomplete. The length is checked against `maxPayloadSize` before
   * anything is buffered. NOT_FOUND and unknown types are the header alone (as the package reads
   * them). Throws {@link DecodeError} `payload-too-large`, or `invalid-value` for a type whose bp
   * codec has no fixed size and no length (it cannot be framed on a stream).
   */
  messageSizeAt(bytes: Uint8Array, offset = 0, end: number = bytes.length): number | undefined {
    if (end - offset < this.headerSize) return undefined;
    const type = this.header.decode(bytes, offset);
    const codec = this.codecs.get(type);
    if (codec === undefined) return this.headerSize;
    const fixed = codec.fixedSize;
    if (fixed !== undefined) {
      if (fixed > this.maxPayloadSize) throw this.tooLargeDecode(type, fixed, offset + this.headerSize);
      return this.headerSize + fixed + this.trailerSize;
    }
    if (!this.lengthPrefixed.has(type)) {
      throw new DecodeError(
        'invalid-value',
        'the type has no fixed size and no length on the wire: use a MessageStructure or a fixed-size codec',
        this.label(type),
        offset,
      );
    }
    const at = offset + this.headerSize;
    if (end - at < PAYLOAD_LENGTH_SIZE) return undefined;
    const length = readLength(bytes, at);
    if (length > this.maxPayloadSize) throw this.tooLargeDecode(type, length, at);
    return this.headerSize + PAYLOAD_LENGTH_SIZE + length + this.trailerSize;
  }

  /**
   * Decodes one message occupying exactly `bytes[offset..end)`: the package's bytes (header,
   * length, payload, checksum), or NOT_FOUND (the header alone, decoded to `{}`; a declared type
   * of the same number is decoded as that type instead). Throws only
   * {@link DecodeError}: `truncated`, `unknown-type`, `payload-too-large`, `trailing-bytes`,
   * `invalid-value` (checksum mismatch, a length that disagrees with the message), or a payload
   * error with the path prefixed by the type name.
   */
  decodeMessage(
    bytes: Uint8Array,
    offset = 0,
    end: number = bytes.length,
  ): DecodedMessage<S> | NotFoundMessage {
    const type = this.readHeader(bytes, offset, end);
    if (type === this.notFoundType && !this.codecs.has(type)) {
      if (end - offset > this.headerSize) {
        throw new DecodeError(
          'trailing-bytes',
          `${end - offset - this.headerSize} bytes after a NOT_FOUND header, which has no payload`,
          '',
          offset + this.headerSize,
        );
      }
      return { type: this.notFoundType, value: {} };
    }
    const codec = this.codecAt(type, offset);
    let start = offset + this.headerSize;
    let payloadEnd = end - this.trailerSize;
    if (this.lengthPrefixed.has(type)) {
      if (end - start < PAYLOAD_LENGTH_SIZE) {
        throw new DecodeError('truncated', 'the 4-byte payload length is cut short', this.label(type), start);
      }
      const length = readLength(bytes, start);
      if (length > this.maxPayloadSize) throw this.tooLargeDecode(type, length, start);
      start += PAYLOAD_LENGTH_SIZE;
      const expected = start + length + this.trailerSize;
      if (expected !== end) {
        throw new DecodeError(
          expected > end ? 'truncated' : 'trailing-bytes',
          `the length says ${length} payload bytes${this.trailerSize > 0 ? ` and a ${this.trailerSize}-byte checksum` : ''}, the message has ${end - start}`,
          this.label(type),
          start,
        );
      }
      payloadEnd = start + length;
    } else if (payloadEnd < start) {
      throw new DecodeError(
        'truncated',
        `message needs a ${this.trailerSize}-byte checksum, only ${end - start} bytes after the header`,
        this.label(type),
        start,
      );
    }
    if (payloadEnd - start > this.maxPayloadSize) throw this.tooLargeDecode(type, payloadEnd - start, start);
    if (this.trailerSize > 0) this.verifyChecksum(type, bytes, offset, payloadEnd);
    const value = this.decodePayload(type, codec, bytes, start, payloadEnd);
    return { type, value } as DecodedMessage<S>;
  }

  /** Bytes of a message around its payload: header, length (variable structures) and checksum. */
  private envelopeSize(type: number): number {
    return this.headerSize + (this.lengthPrefixed.has(type) ? PAYLOAD_LENGTH_SIZE : 0) + this.trailerSize;
  }

  private verifyChecksum(type: number, bytes: Uint8Array, offset: number, payloadEnd: number): void {
    const covered = bytes.subarray(offset, payloadEnd);
    const checksum = bytes.subarray(payloadEnd, payloadEnd + this.trailerSize);
    let ok: boolean;
    try {
      ok =
        this.checksumVerify !== undefined
          ? this.checksumVerify(covered, checksum) === true
          : sameBytes((this.checksumFunc as (b: Uint8Array) => Uint8Array)(covered), checksum);
    } catch (e) {
      throw new DecodeError('invalid-value', 'the checksum check threw', this.label(type), payloadEnd, {
        cause: e,
      });
    }
    if (!ok) {
      throw new DecodeError(
        'invalid-value',
        `checksum mismatch (${this.trailerSize} bytes at the end); the message was damaged or the peers use different checksums`,
        this.label(type),
        payloadEnd,
      );
    }
  }
}

function readLength(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

function sameBytes(a: unknown, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
