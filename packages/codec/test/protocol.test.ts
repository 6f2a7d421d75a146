// Protocol: bp's message bytes (header, payload) without the Python package's wire. It must write
// what a ProtocolConfig of the same DSL schema writes, describe itself the same way (so the
// fingerprints agree), and meet any input with a value or a typed error.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  BpError,
  type DecodeError,
  EncodeError,
  f32,
  isDecodeError,
  Protocol,
  ProtocolConfig,
  ProtocolSchema,
  string,
  struct,
  u32,
} from '../src/index.node.js';
import { build, schemaAndValueArb, structSchemaArb } from './schema-arbitrary.js';

enum T {
  GET = 1,
  VALUE = 2,
  SENSOR = 3,
}
const options = {
  messageTypeEnum: T,
  messageStructures: {
    [T.GET]: struct({ key: string() }),
    [T.VALUE]: struct({ key: string(), value: u32 }),
    [T.SENSOR]: struct({ a: f32, b: f32 }),
  },
  responses: { [T.GET]: T.VALUE },
};
const protocol = new Protocol(options);
const config = new ProtocolConfig(options);
const HEADERS = ['>H', '<H', '!B', '>b', '<i', '>I', '<L'] as const;

describe('Protocol', () => {
  test('is a ProtocolSchema with the schema API, and describes itself as ProtocolConfig does', () => {
    expect(protocol).toBeInstanceOf(ProtocolSchema);
    expect(config).toBeInstanceOf(ProtocolSchema);
    expect(protocol.messageTypes()).toEqual([1, 2, 3]);
    expect(protocol.hasType(T.SENSOR)).toBe(true);
    expect(protocol.hasType(9)).toBe(false);
    expect(protocol.typeName(T.VALUE)).toBe('VALUE');
    expect(protocol.replyTypeOf(T.GET)).toBe(T.VALUE);
    expect(protocol.replyTypeOf(T.VALUE)).toBeUndefined();
    expect(protocol.headerSize).toBe(2);
    expect(protocol.decodeLimits).toEqual(config.decodeLimits);
    expect(protocol.describe()).toEqual(config.describe());
    // None of the Python package's options.
    expect('checksumEnabled' in protocol || 'notFoundType' in protocol).toBe(false);
  });

  test('writes what a ProtocolConfig of the same DSL schema writes, and reads it back (any schema, value, header)', () => {
    fc.assert(
      fc.property(
        schemaAndValueArb(structSchemaArb),
        fc.constantFrom(...HEADERS),
        ({ schema, value }, headerFormat) => {
          const structures = { 7: build(schema, 'closures') };
          const bp = new Protocol({ messageStructures: structures, headerFormat });
          const python = new ProtocolConfig({ messageStructures: structures, headerFormat });
          const size = bp.messageByteLength(7, value);
          const target = new Uint8Array(size + 3);
          const written = bp.encodeMessageInto(7, value, target, 3);
          expect(written).toBe(size);
          const bytes = target.subarray(3);
          const reference = python.encodeMessage(7, value);
          expect(bytes).toEqual(reference);
          const decoded = bp.decodeMessage(target, 3, target.length);
          expect(decoded.type).toBe(7);
          expect(bp.encodeMessageInto(7, decoded.value, new Uint8Array(size), 0)).toBe(size);
          expect(python.decodeMessage(reference)).toEqual(decoded);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('any bytes give a message or a DecodeError, never another throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(8), (bytes, cut) => {
        const end = Math.max(0, bytes.length - cut);
        try {
          const { type, value } = protocol.decodeMessage(bytes, 0, end);
          expect(protocol.hasType(type)).toBe(true);
          expect(protocol.messageByteLength(type, value as never)).toBe(end);
        } catch (error) {
          expect(isDecodeError(error)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('bad messages are typed errors that say what and where', () => {
    const caught = (call: () => unknown) => {
      try {
        call();
      } catch (error) {
        return error as DecodeError;
      }
      throw new Error('expected a throw');
    };
    const good = new Uint8Array(protocol.messageByteLength(T.VALUE, { key: 'k', value: 1 }));
    protocol.encodeMessageInto(T.VALUE, { key: 'k', value: 1 }, good);
    const unknown = caught(() => protocol.decodeMessage(new Uint8Array([0, 9, 1])));
    expect([unknown.code, unknown.offset, unknown.message]).toEqual([
      'unknown-type',
      0,
      'message type 9 is not part of the protocol',
    ]);
    const trailing = caught(() => protocol.decodeMessage(new Uint8Array([...good, 0])));
    expect([trailing.code, trailing.path, trailing.offset]).toEqual(['trailing-bytes', 'VALUE', good.length]);
    const short = caught(() => protocol.decodeMessage(good.subarray(0, 1)));
    expect(short.code).toBe('truncated');
    const cut = caught(() => protocol.decodeMessage(good.subarray(0, good.length - 1)));
    expect([cut.code, cut.path.startsWith('VALUE')]).toEqual(['truncated', true]);

    const small = new Protocol({ messageStructures: { 1: string() }, maxPayloadSize: 4 });
    const big = caught(() => small.decodeMessage(new Uint8Array([0, 1, 0, 0, 0, 5, 1, 2, 3, 4, 5])));
    expect([big.code, big.offset]).toEqual(['payload-too-large', 2]);
    expect(() => small.encodeMessageInto(1, 'hello', new Uint8Array(64))).toThrow(
      expect.objectContaining({ code: 'payload-too-large' }),
    );
    expect(() => protocol.encodeMessageInto(9 as never, {} as never, new Uint8Array(8))).toThrow(EncodeError);
    expect(() => protocol.encodeMessageInto(T.SENSOR, { a: 1, b: 'x' } as never, new Uint8Array(16))).toThrow(
      expect.objectContaining({ code: 'type-mismatch', path: 'SENSOR.b' }),
    );
    expect(() => protocol.encodeMessageInto(T.SENSOR, { a: 1, b: 2 }, new Uint8Array(5))).toThrow(
      expect.objectContaining({ code: 'buffer-too-small' }),
    );
  });

  test('options that cannot work are refused with the class named', () => {
    expect(() => new Protocol({ messageStructures: { 300: u32 }, headerFormat: '>B' })).toThrow(
      'Protocol: message type 300 does not fit the >B header',
    );
    expect(() => new Protocol({ messageStructures: {}, headerFormat: '>f' })).toThrow(BpError);
    expect(() => new Protocol({ messageStructures: {}, headerFormat: '>f' })).toThrow(
      /^Protocol: headerFormat/,
    );
    expect(() => new Protocol({ messageStructures: { 1: u32 }, responses: { 1: 2 } })).toThrow(
      'Protocol: responses maps 1 -> 2, not both message types',
    );
    expect(() => new Protocol({ messageStructures: null as never })).toThrow(/^Protocol: messageStructures/);
    expect(() => new Protocol({ messageStructures: { 1: {} as never } })).toThrow(/messageStructures\[1\]/);
    expect(() => new Protocol({ messageStructures: {}, maxPayloadSize: -1 })).toThrow(
      'Protocol: maxPayloadSize must be a non-negative number, got -1',
    );
    expect(() => new ProtocolConfig({ messageStructures: {}, maxPayloadSize: -1 })).toThrow(
      /^ProtocolConfig: /,
    );
  });
});
