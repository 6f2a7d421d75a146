import type { SessionCodec, SessionProtocol } from './protocol-types.js';

/** How the type header is written: size 1, 2 or 4; signed; little-endian. */
interface HeaderShape {
  readonly size: number;
  readonly signed: boolean;
  readonly little: boolean;
}

type TypeReader = (source: Uint8Array, at: number) => number;

const readU8: TypeReader = (s, a) => s[a];
const readI8: TypeReader = (s, a) => (s[a] << 24) >> 24;
const readU16be: TypeReader = (s, a) => (s[a] << 8) | s[a + 1];
const readI16be: TypeReader = (s, a) => (((s[a] << 8) | s[a + 1]) << 16) >> 16;
const readU16le: TypeReader = (s, a) => s[a] | (s[a + 1] << 8);
const readI16le: TypeReader = (s, a) => ((s[a] | (s[a + 1] << 8)) << 16) >> 16;
const readI32be: TypeReader = (s, a) => (s[a] << 24) | (s[a + 1] << 16) | (s[a + 2] << 8) | s[a + 3];
const readU32be: TypeReader = (s, a) => readI32be(s, a) >>> 0;
const readI32le: TypeReader = (s, a) => s[a] | (s[a + 1] << 8) | (s[a + 2] << 16) | (s[a + 3] << 24);
const readU32le: TypeReader = (s, a) => readI32le(s, a) >>> 0;

function typeReaderOf(shape: HeaderShape): TypeReader {
  if (shape.size === 1) return shape.signed ? readI8 : readU8;
  if (shape.size === 2) {
    if (shape.little) return shape.signed ? readI16le : readU16le;
    return shape.signed ? readI16be : readU16be;
  }
  if (shape.little) return shape.signed ? readI32le : readU32le;
  return shape.signed ? readI32be : readU32be;
}

const tables = new WeakMap<object, MessageTable | undefined>();

const SIZES: Record<string, number> = { b: 1, B: 1, h: 2, H: 2, i: 4, I: 4, l: 4, L: 4 };

/** Parses a one-value integer `struct` format (`'>H'`); undefined for anything else. */
export function parseHeaderFormat(format: string): HeaderShape | undefined {
  const match = /^([<>!])([bBhHiIlL])$/.exec(format);
  if (match === null) return undefined;
  const code = match[2];
  return { size: SIZES[code], signed: code === code.toLowerCase(), little: match[1] === '<' };
}

/**
 * Direct access to a protocol's payload codecs and type header, for the session's hot paths:
 * the type header is read and written inline, codecs are found by array index when the type
 * numbers are small, and decoding calls the codec's decodeFrom directly. This skips what
 * `ProtocolConfig.encodeMessageInto`/`decodeMessage` do per call (a map lookup, argument checks,
 * a `{ type, value }` object per decoded message) without changing a byte on the wire.
 */
export class MessageTable {
  readonly headerSize: number;
  readonly decodeLimits: object | undefined;
  /**
   * Reads the type header at `at` (the caller made sure the bytes are there). One small function
   * per header shape, not one that branches on the shape: V8 inlines it into the receive path.
   */
  readonly readType: TypeReader;
  readonly #shape: HeaderShape;
  readonly #array: (SessionCodec | undefined)[] | undefined;
  readonly #map: Map<number, SessionCodec> | undefined;
  /** By type (array case only): the payload size of fixed-size codecs that have `decode`, else -1. */
  readonly #fixed: Int32Array | undefined;

  private constructor(
    shape: HeaderShape,
    codecs: ReadonlyMap<number, SessionCodec | undefined>,
    decodeLimits: object | undefined,
  ) {
    this.#shape = shape;
    this.headerSize = shape.size;
    this.readType = typeReaderOf(shape);
    this.decodeLimits = decodeLimits;
    const types = [...codecs.keys()];
    const small = types.every((type) => Number.isInteger(type) && type >= 0 && type <= 0xffff);
    if (small) {
      const array: (SessionCodec | undefined)[] = new Array(Math.max(0, ...types) + 1).fill(undefined);
      for (const [type, codec] of codecs) array[type] = codec;
      this.#array = array;
      const fixed = new Int32Array(array.length).fill(-1);
      array.forEach((codec, type) => {
        const size = codec?.fixedSize;
        if (size !== undefined && size <= 0x7fffffff && typeof codec?.decode === 'function')
          fixed[type] = size;
      });
      this.#fixed = fixed;
    } else {
      this.#map = new Map(
        [...codecs].filter((entry): entry is [number, SessionCodec] => entry[1] !== undefined),
      );
    }
  }

  /** Every type and its codec. */
  #entries(): Map<number, SessionCodec | undefined> {
    const out = new Map<number, SessionCodec | undefined>();
    if (this.#array !== undefined) {
      this.#array.forEach((codec, type) => {
        if (codec !== undefined) out.set(type, codec);
      });
    } else {
      for (const [type, codec] of this.#map as Map<number, SessionCodec>) out.set(type, codec);
    }
    return out;
  }

  /**
   * A table for one connection whose peer's schemas differ (protocol version 2): `overrides`
   * replaces the codecs of some types (resolved ones), or removes them (undefined: types the peer
   * lacks, which then neither encode nor decode). The hot paths use it exactly like this one.
   */
  derive(overrides: ReadonlyMap<number, SessionCodec | undefined>): MessageTable {
    const codecs = this.#entries();
    for (const [type, codec] of overrides) codecs.set(type, codec);
    return new MessageTable(this.#shape, codecs, this.decodeLimits);
  }

  /** The table of `protocol` (one per protocol object), or undefined when it lacks what the fast path needs. */
  static of(protocol: SessionProtocol): MessageTable | undefined {
    if (tables.has(protocol)) return tables.get(protocol);
    const table = MessageTable.#build(protocol);
    tables.set(protocol, table);
    return table;
  }

  static #build(protocol: SessionProtocol): MessageTable | undefined {
    const shape = parseHeaderFormat(protocol.headerFormat);
    if (shape === undefined || shape.size !== protocol.headerSize) return undefined;
    if (typeof protocol.codecFor !== 'function' || typeof protocol.messageTypes !== 'function')
      return undefined;
    const codecFor = protocol.codecFor.bind(protocol);
    const codecs = new Map(protocol.messageTypes().map((type) => [type, codecFor(type)]));
    return new MessageTable(shape, codecs, protocol.decodeLimits);
  }

  /** The codec of `type`, or undefined when the protocol has no such type. */
  codec(type: number): SessionCodec | undefined {
    const array = this.#array;
    if (array !== undefined) return array[type];
    return (this.#map as Map<number, SessionCodec>).get(type);
  }

  /**
   * The payload size of `type` when its codec is fixed-size (and can `decode`), else -1: such a
   * payload that fills its frame exactly decodes with `decode`, which returns the value alone
   * where `decodeFrom` allocates a result object each message.
   */
  fixedPayload(type: number): number {
    const fixed = this.#fixed;
    return fixed !== undefined && type < fixed.length ? fixed[type] : -1;
  }

  /** Writes the type header at `at`. */
  writeType(target: Uint8Array, at: number, type: number): void {
    const shape = this.#shape;
    if (shape.size === 2) {
      if (shape.little) {
        target[at] = type;
        target[at + 1] = type >>> 8;
      } else {
        target[at] = type >>> 8;
        target[at + 1] = type;
      }
    } else if (shape.size === 1) {
      target[at] = type;
    } else if (shape.little) {
      target[at] = type;
      target[at + 1] = type >>> 8;
      target[at + 2] = type >>> 16;
      target[at + 3] = type >>> 24;
    } else {
      target[at] = type >>> 24;
      target[at + 1] = type >>> 16;
      target[at + 2] = type >>> 8;
      target[at + 3] = type;
    }
  }
}
