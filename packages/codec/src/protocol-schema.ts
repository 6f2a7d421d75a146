import { type Codec, type Infer, nodeOf, SchemaCodec } from './codec.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_ELEMENTS, type DecodeLimits } from './decode-limits.js';
import { DecodeError, EncodeError, relocateError } from './errors.js';
import { headerFormatNode } from './header-format.js';
import { primitiveSpec } from './primitive-specs.js';
import { decodeRangeError, NO_ROOM_SIGNAL, probe } from './range-errors.js';
import { describeNode, type SchemaDescriptor } from './schema-node.js';

/** Payload codecs by message type number. */
export type Structures = { readonly [type: number]: Codec<any> };
/** Which message type answers which request type. */
export type Responses = { readonly [requestType: number]: number };

/** Options every protocol takes: the schema, its header and the payload budget. */
export interface ProtocolSchemaOptions<S extends Structures = Structures, R extends Responses = Responses> {
  /** A TypeScript enum (or any name -> number object) naming the message types. */
  messageTypeEnum?: object;
  /** The payload codec of each message type. */
  messageStructures: S;
  /** Which message type answers which request: `{ [Type.PING]: Type.PONG }`. */
  responses?: R;
  /** One-value Python `struct` format of the message-type header. Default `'>H'` (u16 big-endian). */
  headerFormat?: string;
  /** Largest payload (excluding the header) encoded or accepted. Default 1 MiB (1 048 576). */
  maxPayloadSize?: number;
  /** Milliseconds a transport waits to connect. Default 30 000. */
  connectTimeout?: number;
  /** Milliseconds a transport waits for a reply or a read. Default 30 000. */
  readTimeout?: number;
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

/** The message type numbers of structures `S`. */
export type TypeKey<S> = keyof S & number;

/** A decoded message: a union of `{ type, value }` discriminated by `type`. */
export type DecodedMessage<S extends Structures> = {
  [K in TypeKey<S>]: { type: K; value: Infer<S[K]> };
}[TypeKey<S>];

type StructuresOf<P> = P extends ProtocolSchema<infer S, any> ? S : never;
type ResponsesOf<P> = P extends ProtocolSchema<any, infer R> ? R : never;

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

/** Default `maxPayloadSize` of a protocol: 1 MiB. */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** Default `connectTimeout` and `readTimeout` of a protocol: 30 s. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Called by the base constructor for each declared type, after its number was checked against the
 * header: returns the codec the protocol keeps (`ProtocolConfig` rebuilds codecs for the
 * interpreted engine and checks them against NOT_FOUND here).
 */
export type AdoptCodec = (type: number, key: string, codec: Codec<unknown>) => Codec<unknown>;

/**
 * What every protocol is: the message types and their payload codecs, their names, the reply of
 * each request type and the message-type header. {@link Protocol} adds bp's message bytes (header
 * then payload), `ProtocolConfig` the Python `binary_protocol` package's (length, checksum,
 * NOT_FOUND). Both describe the same schema the same way, so their fingerprints agree. The
 * message methods (`encodeMessageInto`, `decodeMessage`, `messageByteLength`) are each
 * subclass's own, not declared here: their results differ (a `ProtocolConfig` decodes NOT_FOUND).
 */
export abstract class ProtocolSchema<
  const S extends Structures = Structures,
  const R extends Responses = {},
> {
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
  /** The enum naming the message types, if given. */
  readonly messageTypeEnum: object | undefined;
  /** The payload codecs by type. */
  readonly messageStructures: S;
  /** Which type answers which request type. */
  readonly responses: R;
  /** The budgets every message decode runs with. */
  readonly decodeLimits: Readonly<Required<DecodeLimits>>;

  protected readonly header: SchemaCodec<number>;
  /** The smallest and largest number the header holds. */
  protected readonly headerMin: number;
  protected readonly headerMax: number;
  protected readonly codecs = new Map<number, Codec<unknown>>();
  protected readonly names = new Map<number, string>();

  /** `what` names the class in error messages (class names do not survive minifiers). */
  constructor(options: ProtocolSchemaOptions<S, R>, what: string, adopt?: AdoptCodec) {
    this.headerFormat = options.headerFormat ?? '>H';
    const headerNode = headerFormatNode(this.headerFormat, what);
    const headerSpec = primitiveSpec(headerNode.name);
    this.header = new SchemaCodec<number>(headerNode);
    this.headerSize = headerSpec.size;
    this.headerMin = headerSpec.min as number;
    this.headerMax = headerSpec.max as number;
    this.maxPayloadSize = nonNegative(what, 'maxPayloadSize', options.maxPayloadSize, DEFAULT_MAX_PAYLOAD);
    this.connectTimeout = nonNegative(what, 'connectTimeout', options.connectTimeout, DEFAULT_TIMEOUT_MS);
    this.readTimeout = nonNegative(what, 'readTimeout', options.readTimeout, DEFAULT_TIMEOUT_MS);
    this.messageTypeEnum = options.messageTypeEnum;
    this.responses = (options.responses ?? {}) as R;
    this.decodeLimits = {
      maxElements: options.decodeLimits?.maxElements ?? Math.max(DEFAULT_MAX_ELEMENTS, this.maxPayloadSize),
      maxBytes: options.decodeLimits?.maxBytes ?? this.maxPayloadSize,
      maxDepth: options.decodeLimits?.maxDepth ?? DEFAULT_MAX_DEPTH,
    };

    const structures = options.messageStructures;
    if (typeof structures !== 'object' || structures === null) {
      throw new TypeError(`${what}: messageStructures must map type numbers to codecs`);
    }
    const kept: Record<number, Codec<unknown>> = {};
    for (const key of Object.keys(structures)) {
      const type = Number(key);
      if (!Number.isInteger(type) || type < this.headerMin || type > this.headerMax) {
        throw new RangeError(`${what}: message type ${key} does not fit the ${this.headerFormat} header`);
      }
      let codec = (structures as Record<number, Codec<unknown>>)[type];
      nodeOf(codec, `${what}: messageStructures[${key}]`);
      if (adopt !== undefined) codec = adopt(type, key, codec);
      kept[type] = codec;
      this.codecs.set(type, codec);
    }
    this.messageStructures = kept as unknown as S;

    const names = options.messageTypeEnum as Record<string, unknown> | undefined;
    if (names !== undefined) {
      for (const name of Object.keys(names)) {
        const value = names[name];
        if (typeof value === 'number' && !this.names.has(value)) this.names.set(value, name);
      }
    }
    for (const [req, reply] of Object.entries(this.responses)) {
      if (!this.codecs.has(Number(req)) || !this.codecs.has(reply as number)) {
        throw new RangeError(`${what}: responses maps ${req} -> ${String(reply)}, not both message types`);
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
  // Spelled with R rather than ReplyType<this, T>: inferring R back from `this` once made tsc
  // report "Return type annotation circularly references itself" here.
  replyTypeOf<T extends number>(requestType: T): (T extends keyof R ? R[T] & number : never) | undefined {
    return (this.responses as Record<number, number>)[requestType] as
      | (T extends keyof R ? R[T] & number : never)
      | undefined;
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

  /**
   * The type number in the header of the message `bytes[offset..end)`, after checking the range
   * and that the header is there.
   */
  protected readHeader(bytes: Uint8Array, offset: number, end: number): number {
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
    return this.header.decode(bytes, offset);
  }

  /** Encodes the payload at `at`, checked against `maxPayloadSize`; returns its size. */
  protected encodePayload(
    type: number,
    codec: Codec<unknown>,
    value: unknown,
    target: Uint8Array,
    at: number,
  ): number {
    let n: number;
    try {
      n = codec.encodeInto(value, target, at);
    } catch (e) {
      throw relocateError(e, '', this.label(type));
    }
    if (n > this.maxPayloadSize) throw this.tooLarge(type, n);
    return n;
  }

  /** Decodes the payload that fills `bytes[start..end)` exactly (its size already checked). */
  protected decodePayload(
    type: number,
    codec: Codec<unknown>,
    bytes: Uint8Array,
    start: number,
    end: number,
  ): unknown {
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
    return value;
  }

  /** The codec of a received type; throws {@link DecodeError} `unknown-type` at `offset` otherwise. */
  protected codecAt(type: number, offset: number): Codec<unknown> {
    const codec = this.codecs.get(type);
    if (codec === undefined) {
      throw new DecodeError('unknown-type', `message type ${type} is not part of the protocol`, '', offset);
    }
    return codec;
  }

  protected noRoom(type: number, missing: number): EncodeError {
    // While encodeMessage() probes its slab, running out of room there is a signal to retry in a
    // fresh one, as from the payload codec (range-errors.ts), not an error for the caller.
    if (probe.on) throw NO_ROOM_SIGNAL;
    return new EncodeError('buffer-too-small', `target needs ${missing} more bytes`, this.label(type));
  }

  protected tooLargeDecode(type: number, size: number, at: number): DecodeError {
    return new DecodeError(
      'payload-too-large',
      `payload of ${size} bytes exceeds maxPayloadSize ${this.maxPayloadSize}`,
      this.label(type),
      at,
    );
  }

  protected label(type: number): string {
    return this.names.get(type) ?? `type ${type}`;
  }

  protected unknownEncode(type: number): EncodeError {
    return new EncodeError('unknown-type', `message type ${String(type)} is not part of the protocol`);
  }

  protected tooLarge(type: number, size: number): EncodeError {
    return new EncodeError(
      'payload-too-large',
      `payload of ${size} bytes exceeds maxPayloadSize ${this.maxPayloadSize}`,
      this.label(type),
    );
  }
}

/** `value` when it is a non-negative number, `fallback` when absent; RangeError otherwise. */
export function nonNegative(what: string, name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new RangeError(`${what}: ${name} must be a non-negative number, got ${String(value)}`);
  }
  return value;
}
