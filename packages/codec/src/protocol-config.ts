import { type Codec, type Infer, nodeOf, SchemaCodec, withEngine } from './codec.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_ELEMENTS, type DecodeLimits } from './decode-limits.js';
import { BpError, DecodeError, EncodeError, relocateError } from './errors.js';
import { headerFormatNode } from './header-format.js';
import type { MessageStructure } from './message-structure.js';
import { PRIMITIVE_SPECS } from './primitive-specs.js';
import { protocolCodecHooks } from './protocol-codec-hooks.js';
import { decodeRangeError } from './range-errors.js';
import { describeNode, type SchemaDescriptor } from './schema-node.js';
import { encodeToSlab, type SlabEncoder } from './slab.js';

/** Payload codecs by message type number. */
export type Structures = { readonly [type: number]: Codec<any> };
/** Which message type answers which request type. */
export type Responses = { readonly [requestType: number]: number };

/** Options of a {@link ProtocolConfig}, named as in the Python `binary_protocol` package. */
export interface ProtocolOptions<S extends Structures = Structures, R extends Responses = Responses> {
  /** A TypeScript enum (or any name -> number object) naming the message types. */
  messageTypeEnum?: object;
  /** The payload codec of each message type: DSL codecs or {@link MessageStructure}s. */
  messageStructures: S;
  /** One-value Python `struct` format of the message-type header. Default `'>H'` (u16 big-endian). */
  headerFormat?: string;
  /** Largest payload (excluding the header) encoded or accepted. Default 1 MiB (1 048 576). */
  maxPayloadSize?: number;
  /** Milliseconds a transport waits to connect. Default 30 000. */
  connectTimeout?: number;
  /** Milliseconds a transport waits for a reply or a read. Default 30 000. */
  readTimeout?: number;
  /**
   * `true` (default): codecs run compiled (generated code in Node, closures elsewhere).
   * `false`: every payload codec is rebuilt with the interpreted engine, identical bytes.
   */
  enablePerformanceImprovements?: boolean;
  /** Which message type answers which request: `{ [Type.PING]: Type.PONG }`. */
  responses?: R;
  /** Decode budgets; by default maxElements and maxBytes follow maxPayloadSize. */
  decodeLimits?: DecodeLimits;
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

/** Canonical, JSON-able description of a protocol (for fingerprints and documentation). */
export interface ProtocolDescriptor {
  readonly headerFormat: string;
  readonly types: readonly {
    readonly type: number;
    readonly name?: string;
    readonly schema: SchemaDescriptor;
  }[];
}

type TypeKey<S> = keyof S & number;

/** A decoded message: a union of `{ type, value }` discriminated by `type`. */
export type DecodedMessage<S extends Structures> = {
  [K in TypeKey<S>]: { type: K; value: Infer<S[K]> };
}[TypeKey<S>];

type StructuresOf<P> = P extends ProtocolConfig<infer S, any> ? S : never;
type ResponsesOf<P> = P extends ProtocolConfig<any, infer R> ? R : never;

/** The message type numbers of a protocol. */
export type MessageTypes<P> = TypeKey<StructuresOf<P>>;
/** The value type of message type `T` of protocol `P`. */
export type MessageValue<P, T extends number> = T extends keyof StructuresOf<P>
  ? Infer<StructuresOf<P>[T]>
  : never;
/** The message type that answers request type `T` (never when `T` has no declared reply). */
export type ReplyType<P, T extends number> = T extends keyof ResponsesOf<P>
  ? ResponsesOf<P>[T] & number
  : never;
/** The value type of the reply to request type `T`. */
export type ReplyValue<P, T extends number> = MessageValue<P, ReplyType<P, T>>;

/** Default `maxPayloadSize` of a {@link ProtocolConfig}: 1 MiB. */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** Default `connectTimeout` and `readTimeout` of a {@link ProtocolConfig}: 30 s. */
export const DEFAULT_TIMEOUT_MS = 30_000;

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new RangeError(`ProtocolConfig: ${name} must be a non-negative number, got ${String(value)}`);
  }
  return value;
}

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
export class ProtocolConfig<const S extends Structures = Structures, const R extends Responses = {}> {
  /** Format of the message-type header. */
  readonly headerFormat: string;
  /** Bytes of the message-type header. */
  readonly headerSize: number;
  /** Largest payload encoded or accepted, in bytes. */
  readonly maxPayloadSize: number;
  /** Milliseconds a transport waits to connect. */
  readonly connectTimeout: number;
  /** Milliseconds a transport waits for a reply or a read. */
  readonly readTimeout: number;
  /** Whether codecs run compiled (true) or interpreted (false). */
  readonly enablePerformanceImprovements: boolean;
  /** The enum naming the message types, if given. */
  readonly messageTypeEnum: object | undefined;
  /** The payload codecs by type (rebuilt with the interpreted engine when performance improvements are off). */
  readonly messageStructures: S;
  /** Which type answers which request type. */
  readonly responses: R;
  /** The budgets every message decode runs with. */
  readonly decodeLimits: Readonly<Required<DecodeLimits>>;
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

  private readonly header: SchemaCodec<number>;
  private readonly codecs = new Map<number, Codec<unknown>>();
  private readonly names = new Map<number, string>();
  /** Per type, header plus payload as one encoder for the slab of encodeMessage. */
  private readonly slabEncoders = new Map<number, SlabEncoder<unknown>>();
  /** Types whose payload is preceded by the `>I` length (variable MessageStructures). */
  private readonly lengthPrefixed = new Set<number>();
  private readonly trailerSize: number;

  constructor(options: ProtocolOptions<S, R>) {
    this.headerFormat = options.headerFormat ?? '>H';
    const headerNode = headerFormatNode(this.headerFormat);
    const headerSpec = PRIMITIVE_SPECS[headerNode.name];
    this.header = new SchemaCodec<number>(headerNode);
    this.headerSize = headerSpec.size;
    this.maxPayloadSize = nonNegative('maxPayloadSize', options.maxPayloadSize, DEFAULT_MAX_PAYLOAD);
    this.connectTimeout = nonNegative('connectTimeout', options.connectTimeout, DEFAULT_TIMEOUT_MS);
    this.readTimeout = nonNegative('readTimeout', options.readTimeout, DEFAULT_TIMEOUT_MS);
    this.enablePerformanceImprovements = options.enablePerformanceImprovements !== false;
    this.messageTypeEnum = options.messageTypeEnum;
    this.responses = (options.responses ?? {}) as R;
    this.decodeLimits = {
      maxElements: options.decodeLimits?.maxElements ?? Math.max(DEFAULT_MAX_ELEMENTS, this.maxPayloadSize),
      maxBytes: options.decodeLimits?.maxBytes ?? this.maxPayloadSize,
      maxDepth: options.decodeLimits?.maxDepth ?? DEFAULT_MAX_DEPTH,
    };

    const explicitNotFound = options.notFoundType !== undefined;
    const notFound = options.notFoundType ?? (headerSpec.min === 0 ? (headerSpec.max as number) : -1);
    if (
      !Number.isInteger(notFound) ||
      notFound < (headerSpec.min as number) ||
      notFound > (headerSpec.max as number)
    ) {
      throw new BpError(
        'invalid-format',
        `ProtocolConfig: notFoundType ${String(notFound)} does not fit the ${this.headerFormat} header`,
      );
    }
    this.notFoundType = notFound as NotFoundType;
    this.checksumEnabled = options.checksumEnabled === true;
    this.checksumFunc = options.checksumFunc;
    this.checksumVerify = options.checksumVerify;
    this.checksumSize = nonNegative('checksumSize', options.checksumSize, DEFAULT_CHECKSUM_SIZE);
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

    const structures = options.messageStructures;
    if (typeof structures !== 'object' || structures === null) {
      throw new TypeError('ProtocolConfig: messageStructures must map type numbers to codecs');
    }
    const rebuilt: Record<number, Codec<unknown>> = {};
    for (const key of Object.keys(structures)) {
      const type = Number(key);
      if (!Number.isInteger(type) || type < (headerSpec.min as number) || type > (headerSpec.max as number)) {
        throw new RangeError(
          `ProtocolConfig: message type ${key} does not fit the ${this.headerFormat} header`,
        );
      }
      if (type === notFound && explicitNotFound) {
        throw new BpError(
          'invalid-format',
          `ProtocolConfig: message type ${key} is the notFoundType given; choose another notFoundType`,
        );
      }
      let codec = (structures as Record<number, Codec<unknown>>)[type];
      nodeOf(codec, `ProtocolConfig: messageStructures[${key}]`);
      const hooks = protocolCodecHooks(codec);
      if (!this.enablePerformanceImprovements && codec.engine !== 'interpreted') {
        // A MessageStructure is rebuilt from its fields so it keeps its own decode rules.
        codec = hooks !== undefined ? hooks.interpreted() : withEngine(codec, 'interpreted');
      }
      if (hooks?.lengthPrefixed) this.lengthPrefixed.add(type);
      rebuilt[type] = codec;
      this.codecs.set(type, codec);
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
    this.messageStructures = rebuilt as unknown as S;

    const names = options.messageTypeEnum as Record<string, unknown> | undefined;
    if (names !== undefined) {
      for (const name of Object.keys(names)) {
        const value = names[name];
        if (typeof value === 'number' && !this.names.has(value)) this.names.set(value, name);
      }
    }
    for (const [req, reply] of Object.entries(this.responses)) {
      if (!this.codecs.has(Number(req)) || !this.codecs.has(reply as number)) {
        throw new RangeError(
          `ProtocolConfig: responses maps ${req} -> ${String(reply)}, not both message types`,
        );
      }
    }
  }

  /** The message type numbers, ascending. */
  messageTypes(): TypeKey<S>[] {
    return [...this.codecs.keys()].sort((a, b) => a - b) as TypeKey<S>[];
  }

  /** True when `type` is a message type of this protocol. */
  hasType(type: number): type is TypeKey<S> {
    return this.codecs.has(type);
  }

  /** The enum name of a message type, if an enum was given. */
  typeName(type: number): string | undefined {
    return this.names.get(type);
  }

  /** The payload codec of a type; throws {@link EncodeError} `unknown-type` for other numbers. */
  codecFor<T extends TypeKey<S>>(type: T): S[T];
  codecFor(type: number): Codec<unknown>;
  codecFor(type: number): Codec<unknown> {
    const codec = this.codecs.get(type);
    if (codec === undefined) throw this.unknownEncode(type);
    return codec;
  }

  /** The type that answers request `type`, per `responses`. */
  replyTypeOf<T extends number>(requestType: T): ReplyType<this, T> | undefined {
    return (this.responses as Record<number, number>)[requestType] as ReplyType<this, T> | undefined;
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
    const codec = this.codecs.get(type);
    if (codec === undefined) throw this.unknownEncode(type);
    const h = this.header.encodeInto(type, target, offset);
    const prefixed = this.lengthPrefixed.has(type);
    const payloadAt = offset + h + (prefixed ? PAYLOAD_LENGTH_SIZE : 0);
    if (payloadAt > target.length) throw this.noRoom(type, payloadAt - target.length);
    let n: number;
    try {
      n = codec.encodeInto(value, target, payloadAt);
    } catch (e) {
      throw relocateError(e, '', this.label(type));
    }
    if (n > this.maxPayloadSize) throw this.tooLarge(type, n);
    if (prefixed) {
      const at = offset + h;
      target[at] = n >>> 24;
      target[at + 1] = n >>> 16;
      target[at + 2] = n >>> 8;
      target[at + 3] = n;
    }
    const end = payloadAt + n;
    if (!this.checksumEnabled) return end - offset;
    const sum = (this.checksumFunc as (bytes: Uint8Array) => Uint8Array)(target.subarray(offset, end));
    if (!(sum instanceof Uint8Array) || sum.length !== this.checksumSize) {
      throw new EncodeError(
        'invalid-length',
        `checksumFunc returned ${sum instanceof Uint8Array ? `${sum.length} bytes` : typeof sum}, checksumSize is ${this.checksumSize}`,
        this.label(type),
      );
    }
    if (end + sum.length > target.length) throw this.noRoom(type, end + sum.length - target.length);
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
    if (!(bytes instanceof Uint8Array)) {
      throw new DecodeError('invalid-range', `expected a Uint8Array, got ${typeof bytes}`);
    }
    if (!(offset >>> 0 === offset && end >>> 0 === end && offset <= end && end <= bytes.length)) {
      throw decodeRangeError(bytes, offset, end);
    }
    if (end - offset < this.headerSize) {
      throw new DecodeError(
        'truncated',
        `message needs a ${this.headerSize}-byte header, only ${end - offset} bytes`,
        '',
        offset,
      );
    }
    const type = this.header.decode(bytes, offset);
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
    const codec = this.codecs.get(type);
    if (codec === undefined) {
      throw new DecodeError('unknown-type', `message type ${type} is not part of the protocol`, '', offset);
    }
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
    let value: unknown;
    let stop: number;
    try {
      const r = codec.decodeFrom(bytes, start, payloadEnd, this.decodeLimits);
      value = r.value;
      stop = r.offset;
    } catch (e) {
      throw relocateError(e, '', this.label(type));
    }
    if (stop !== payloadEnd) {
      throw new DecodeError(
        'trailing-bytes',
        `${payloadEnd - stop} bytes left after the payload`,
        this.label(type),
        stop,
      );
    }
    return { type, value } as DecodedMessage<S>;
  }

  /** Canonical description of the protocol: header format and each type's schema. */
  describe(): ProtocolDescriptor {
    return {
      headerFormat: this.headerFormat,
      types: this.messageTypes().map((type) => {
        const name = this.typeName(type);
        const schema = describeNode(nodeOf(this.codecs.get(type), 'describe'));
        return name === undefined ? { type, schema } : { type, name, schema };
      }),
    };
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

  private noRoom(type: number, missing: number): EncodeError {
    return new EncodeError('buffer-too-small', `target needs ${missing} more bytes`, this.label(type));
  }

  private tooLargeDecode(type: number, size: number, at: number): DecodeError {
    return new DecodeError(
      'payload-too-large',
      `payload of ${size} bytes exceeds maxPayloadSize ${this.maxPayloadSize}`,
      this.label(type),
      at,
    );
  }

  private label(type: number): string {
    return this.names.get(type) ?? `type ${type}`;
  }

  private unknownEncode(type: number): EncodeError {
    return new EncodeError('unknown-type', `message type ${String(type)} is not part of the protocol`);
  }

  private tooLarge(type: number, size: number): EncodeError {
    return new EncodeError(
      'payload-too-large',
      `payload of ${size} bytes exceeds maxPayloadSize ${this.maxPayloadSize}`,
      this.label(type),
    );
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
