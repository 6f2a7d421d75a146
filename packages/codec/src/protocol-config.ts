import { type Codec, type Infer, nodeOf, SchemaCodec, withEngine } from './codec.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_ELEMENTS, type DecodeLimits } from './decode-limits.js';
import { BpError, DecodeError, EncodeError, relocateError } from './errors.js';
import { formatNode } from './format.js';
import { PRIMITIVE_SPECS } from './primitive-specs.js';
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
}

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
 * spelling of the Python `binary_protocol` package. A message on the wire is the header (the type
 * number, `headerFormat`) followed by the payload; framing (lengths on a stream) is the session's
 * job.
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

  private readonly header: SchemaCodec<number>;
  private readonly codecs = new Map<number, Codec<unknown>>();
  private readonly names = new Map<number, string>();
  /** Per type, header plus payload as one encoder for the slab of encodeMessage. */
  private readonly slabEncoders = new Map<number, SlabEncoder<unknown>>();

  constructor(options: ProtocolOptions<S, R>) {
    this.headerFormat = options.headerFormat ?? '>H';
    const headerNode = formatNode(this.headerFormat);
    if (headerNode.kind !== 'prim' || PRIMITIVE_SPECS[headerNode.name].kind !== 'int') {
      throw new BpError(
        'invalid-format',
        `ProtocolConfig: headerFormat ${JSON.stringify(this.headerFormat)} must be an integer code (b B h H i I l L)`,
      );
    }
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
      let codec = (structures as Record<number, Codec<unknown>>)[type];
      nodeOf(codec, `ProtocolConfig: messageStructures[${key}]`);
      if (!this.enablePerformanceImprovements && codec.engine !== 'interpreted') {
        codec = withEngine(codec, 'interpreted');
      }
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
          return this.headerSize + size;
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

  /** Header plus payload size of a message, in bytes. */
  messageByteLength<T extends TypeKey<S>>(type: T, value: Infer<S[T]>): number {
    return this.headerSize + this.codecFor(type as number).byteLength(value);
  }

  /**
   * Encodes a message (header then payload) into an array of exactly its size (a view into a
   * shared slab for small messages, as with {@link Codec.encode}).
   */
  encodeMessage<T extends TypeKey<S>>(type: T, value: Infer<S[T]>): Uint8Array {
    const encoder = this.slabEncoders.get(type);
    if (encoder === undefined) throw this.unknownEncode(type);
    return encodeToSlab(encoder, value);
  }

  /**
   * Encodes a message into `target` at `offset` and returns the bytes written; allocates nothing.
   * Throws {@link EncodeError} (`unknown-type`, `payload-too-large`, `buffer-too-small`, or a
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
    let n: number;
    try {
      n = codec.encodeInto(value, target, offset + h);
    } catch (e) {
      throw relocateError(e, '', this.label(type));
    }
    if (n > this.maxPayloadSize) throw this.tooLarge(type, n);
    return h + n;
  }

  /**
   * Decodes one message occupying exactly `bytes[offset..end)`. Throws only {@link DecodeError}:
   * `truncated`, `unknown-type`, `payload-too-large`, `trailing-bytes`, or a payload error with
   * the path prefixed by the type name.
   */
  decodeMessage(bytes: Uint8Array, offset = 0, end: number = bytes.length): DecodedMessage<S> {
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
    const codec = this.codecs.get(type);
    if (codec === undefined) {
      throw new DecodeError('unknown-type', `message type ${type} is not part of the protocol`, '', offset);
    }
    const start = offset + this.headerSize;
    if (end - start > this.maxPayloadSize) {
      throw new DecodeError(
        'payload-too-large',
        `payload of ${end - start} bytes exceeds maxPayloadSize ${this.maxPayloadSize}`,
        this.label(type),
        start,
      );
    }
    let value: unknown;
    let stop: number;
    try {
      const r = codec.decodeFrom(bytes, start, end, this.decodeLimits);
      value = r.value;
      stop = r.offset;
    } catch (e) {
      throw relocateError(e, '', this.label(type));
    }
    if (stop !== end) {
      throw new DecodeError(
        'trailing-bytes',
        `${end - stop} bytes left after the payload`,
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
