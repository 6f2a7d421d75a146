import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  BpError,
  DecodeError,
  EncodeError,
  FieldDefinition,
  MessageStructure,
  ProtocolConfig,
} from '../src/index.node.js';

// Every hex string here is what the Python binary_protocol package produces for the same message
// (docs/binary-protocol-compat.md; /work/shared/python-binary-protocol/binary-protocol.md section 1).

enum MessageType {
  SENSOR_DATA = 1,
  STATUS = 2,
  BENCHMARK = 3,
  FIXED_BENCHMARK = 4,
  STATUS_OK = 15,
}

const f = <const N extends string, const F extends string>(name: N, format: F) =>
  new FieldDefinition(name, Number, { formatString: format });
const structures = {
  [MessageType.SENSOR_DATA]: new MessageStructure([
    f('sensor1', '>f'),
    f('sensor2', '>f'),
    f('sensor3', '>f'),
    f('sensor4', '>f'),
  ]),
  [MessageType.STATUS]: new MessageStructure([
    f('status_code', '>I'),
    new FieldDefinition('message', String),
  ]),
  [MessageType.BENCHMARK]: new MessageStructure([new FieldDefinition('data', Uint8Array)]),
  [MessageType.FIXED_BENCHMARK]: new MessageStructure([f('value', '>I')]),
  [MessageType.STATUS_OK]: new MessageStructure([]),
};

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/[\s|]/g, ''), 'hex'));
const crc = (b: Uint8Array) => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, crc32(b));
  return out;
};
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BpError);
    return (e as BpError).code;
  }
  return 'no error';
};

describe.each([true, false])('the package bytes (enablePerformanceImprovements: %s)', (fast) => {
  const config = new ProtocolConfig({
    messageTypeEnum: MessageType,
    messageStructures: structures,
    enablePerformanceImprovements: fast,
  });
  const cases: [string, MessageType, object, string][] = [
    [
      'SENSOR_DATA, fixed',
      MessageType.SENSOR_DATA,
      { sensor1: 1.5, sensor2: 2, sensor3: 3, sensor4: 4 },
      '0001 3fc00000 40000000 40400000 40800000',
    ],
    [
      'STATUS, variable',
      MessageType.STATUS,
      { status_code: 200, message: 'ok' },
      '0002 0000000a 000000c8 00000002 6f6b',
    ],
    ['FIXED_BENCHMARK, fixed', MessageType.FIXED_BENCHMARK, { value: 42 }, '0004 0000002a'],
    [
      'BENCHMARK, one bytes field',
      MessageType.BENCHMARK,
      { data: bytes('616263') },
      '0003 00000007 00000003 616263',
    ],
    ['an empty structure is the header alone', MessageType.STATUS_OK, {}, '000f'],
  ];
  test.each(cases)('%s', (_, type, value, wire) => {
    const encoded = config.encodeMessage(type as never, value as never);
    expect(hex(encoded)).toBe(hex(bytes(wire)));
    expect(config.messageByteLength(type as never, value as never)).toBe(encoded.length);
    expect(config.messageSizeAt(encoded)).toBe(encoded.length);
    expect(config.decodeMessage(bytes(wire))).toEqual({ type, value });
  });

  test('NOT_FOUND is the header alone, all ones', () => {
    expect(hex(config.encodeNotFound())).toBe('ffff');
    const m = config.decodeMessage(bytes('ffff'));
    expect(config.isNotFound(m)).toBe(true);
    expect(m).toEqual({ type: 0xffff, value: {} });
    expect(config.messageSizeAt(bytes('ffff 0001'))).toBe(2);
    expect(codeOf(() => config.decodeMessage(bytes('ffff00')))).toBe('trailing-bytes');
  });

  test('a bytes field comes back as its bytes, not with its length (the bug this fixes)', () => {
    const m = config.decodeMessage(bytes('0003 00000007 00000003 616263'));
    expect(hex((m.value as { data: Uint8Array }).data)).toBe('616263');
  });

  test('lengths are checked: against maxPayloadSize before buffering, against the message', () => {
    expect(codeOf(() => config.messageSizeAt(bytes('0002 ffffffff')))).toBe('payload-too-large');
    expect(codeOf(() => config.decodeMessage(bytes('0002 ffffffff')))).toBe('payload-too-large');
    expect(config.messageSizeAt(bytes('0002 0000'))).toBeUndefined();
    expect(config.messageSizeAt(bytes('00'))).toBeUndefined();
    // The package slices leniently: an inner length past the end gives a short value ("a").
    expect(codeOf(() => config.decodeMessage(bytes('0002 00000009 000000c8 00000005 61')))).toBe('truncated');
    // The package ignores bytes after the last field; bp refuses them.
    expect(codeOf(() => config.decodeMessage(bytes('0002 0000000b 000000c8 00000002 6f6b 00')))).toBe(
      'trailing-bytes',
    );
    expect(codeOf(() => config.decodeMessage(bytes('0002 0000000a 000000c8 00000002 6f')))).toBe('truncated');
    expect(codeOf(() => config.decodeMessage(bytes('0004 0000002a 00')))).toBe('trailing-bytes');
    expect(codeOf(() => config.decodeMessage(bytes('0009')))).toBe('unknown-type');
    // Unknown types are framed as the header alone, as the package reads them.
    expect(config.messageSizeAt(bytes('0009 0102'))).toBe(2);
  });

  test('malformed UTF-8 is refused (the package raises and closes the connection)', () => {
    expect(codeOf(() => config.decodeMessage(bytes('0002 00000009 000000c8 00000001 ff')))).toBe(
      'invalid-value',
    );
  });
});

describe('header formats', () => {
  test.each([
    ['>B', '04 0000002a', 'ff'],
    ['>I', '00000004 0000002a', 'ffffffff'],
    ['<H', '0400 0000002a', 'ffff'],
    ['>H', '0004 0000002a', 'ffff'],
    ['<I', '04000000 0000002a', 'ffffffff'],
  ])('%s', (headerFormat, wire, notFound) => {
    const config = new ProtocolConfig({ headerFormat, messageStructures: structures });
    expect(hex(config.encodeMessage(MessageType.FIXED_BENCHMARK, { value: 42 }))).toBe(hex(bytes(wire)));
    expect(hex(config.encodeNotFound())).toBe(notFound);
    // The >I payload length stays big-endian whatever the header.
    const status = config.encodeMessage(MessageType.STATUS, { status_code: 200, message: 'ok' });
    expect(hex(status.subarray(config.headerSize))).toBe('0000000a000000c8000000026f6b');
    expect(config.decodeMessage(status)).toEqual({
      type: MessageType.STATUS,
      value: { status_code: 200, message: 'ok' },
    });
  });

  test('notFoundType overrides the all-ones type; a signed header uses -1 (all ones)', () => {
    const custom = new ProtocolConfig({ messageStructures: structures, notFoundType: 0x00ee });
    expect(hex(custom.encodeNotFound())).toBe('00ee');
    expect(custom.isNotFound(custom.decodeMessage(bytes('00ee')))).toBe(true);
    const signed = new ProtocolConfig({ headerFormat: '>h', messageStructures: structures });
    expect(signed.notFoundType).toBe(-1);
    expect(hex(signed.encodeNotFound())).toBe('ffff');
    expect(() => new ProtocolConfig({ messageStructures: structures, notFoundType: 4 })).toThrow(
      /notFoundType/,
    );
    expect(
      () => new ProtocolConfig({ messageStructures: {}, headerFormat: '>B', notFoundType: 256 }),
    ).toThrow(BpError);
  });

  test.each([
    ['>B', 0xff, 'ff'],
    ['>H', 0xffff, 'ffff'],
    ['>h', -1, 'ffff'],
  ])(
    'a bp-only protocol may declare the all-ones type (%s): NOT_FOUND is reserved only on the package wire',
    (headerFormat, type, header) => {
      const value = f('value', '>I');
      const config = new ProtocolConfig({
        headerFormat,
        messageStructures: { 1: new MessageStructure([value]), [type]: new MessageStructure([value]) },
      });
      expect(config.hasDistinctNotFound()).toBe(false);
      const encoded = config.encodeMessage(type, { value: 7 });
      expect(hex(encoded)).toBe(`${header}00000007`);
      const decoded = config.decodeMessage(encoded);
      expect(decoded).toEqual({ type, value: { value: 7 } });
      expect(config.isNotFound(decoded)).toBe(false);
      // The header alone is now a short message of that type, not a NOT_FOUND.
      expect(codeOf(() => config.decodeMessage(bytes(header)))).toBe('truncated');
      // Without the clash NOT_FOUND is distinct, and moving it aside keeps the type.
      expect(
        new ProtocolConfig({
          headerFormat,
          messageStructures: { 1: new MessageStructure([value]) },
        }).hasDistinctNotFound(),
      ).toBe(true);
      const moved = new ProtocolConfig({
        headerFormat,
        notFoundType: 0,
        messageStructures: { 1: new MessageStructure([value]), [type]: new MessageStructure([value]) },
      });
      expect(moved.hasDistinctNotFound()).toBe(true);
      expect(moved.isNotFound(moved.decodeMessage(moved.encodeNotFound()))).toBe(true);
    },
  );
});

describe('checksums', () => {
  const config = new ProtocolConfig({
    messageStructures: structures,
    checksumEnabled: true,
    checksumFunc: crc,
  });

  test('a CRC32 trailer after header, length and payload', () => {
    const fixed = config.encodeMessage(MessageType.FIXED_BENCHMARK, { value: 42 });
    expect(hex(fixed)).toBe('00040000002a9ff9ceb5');
    const status = config.encodeMessage(MessageType.STATUS, { status_code: 200, message: 'ok' });
    expect(hex(status)).toBe('00020000000a000000c8000000026f6b62e1687a');
    expect(config.messageSizeAt(status)).toBe(status.length);
    expect(config.messageSizeAt(fixed)).toBe(fixed.length);
    expect(config.decodeMessage(status).value).toEqual({ status_code: 200, message: 'ok' });
    expect(hex(config.encodeNotFound())).toBe('ffff');
  });

  test('a damaged message or trailer is refused', () => {
    const fixed = config.encodeMessage(MessageType.FIXED_BENCHMARK, { value: 42 }).slice();
    fixed[5] ^= 1;
    expect(codeOf(() => config.decodeMessage(fixed))).toBe('invalid-value');
    expect(codeOf(() => config.decodeMessage(bytes('0004 0000')))).toBe('truncated');
  });

  test('checksumVerify decides when given; a wrong-sized checksumFunc result is refused', () => {
    const seen: string[] = [];
    const verifying = new ProtocolConfig({
      messageStructures: structures,
      checksumEnabled: true,
      checksumFunc: () => bytes('abcd'),
      checksumSize: 2,
      checksumVerify: (covered, checksum) => {
        seen.push(`${hex(covered)}/${hex(checksum)}`);
        return checksum[0] === 0xab;
      },
    });
    expect(hex(verifying.encodeMessage(MessageType.FIXED_BENCHMARK, { value: 1 }))).toBe('000400000001abcd');
    expect(verifying.decodeMessage(bytes('0004 00000001 ab00')).value).toEqual({ value: 1 });
    expect(seen).toEqual(['000400000001/ab00']);
    expect(codeOf(() => verifying.decodeMessage(bytes('0004 00000001 0000')))).toBe('invalid-value');
    const wrong = new ProtocolConfig({
      messageStructures: structures,
      checksumEnabled: true,
      checksumFunc: () => bytes('ab'),
    });
    expect(codeOf(() => wrong.encodeMessage(MessageType.FIXED_BENCHMARK, { value: 1 }))).toBe(
      'invalid-length',
    );
  });

  test('checksumEnabled without checksumFunc is refused (the package would fall out of step)', () => {
    expect(() => new ProtocolConfig({ messageStructures: structures, checksumEnabled: true })).toThrow(
      /checksumFunc/,
    );
    const off = new ProtocolConfig({ messageStructures: structures, checksumFunc: crc });
    expect(hex(off.encodeMessage(MessageType.FIXED_BENCHMARK, { value: 42 }))).toBe('00040000002a');
  });
});

describe('MessageStructure as the package lays it out', () => {
  test('fixedLength is ignored in a variable structure', () => {
    const s = new MessageStructure([
      new FieldDefinition('tag', String, { fixedLength: 8 }),
      new FieldDefinition('msg', String),
    ]);
    expect(s.hasVariableLengthFields()).toBe(true);
    expect(s.getFixedSize()).toBeUndefined();
    expect(hex(s.encode({ tag: 'ab', msg: 'c' }))).toBe('00000002616200000001' + '63');
  });

  test('a fixed string decodes up to its first NUL', () => {
    const s = new MessageStructure([new FieldDefinition('tag', String, { fixedLength: 6 }), f('n', '>H')]);
    expect(s.hasVariableLengthFields()).toBe(false);
    expect(s.getFixedSize()).toBe(8);
    const wire = bytes('6162 00 6364 00 0007');
    expect(s.decode(wire)).toEqual({ tag: 'ab', n: 7 });
    expect(s.decodeFrom(wire, 0, 8).value).toEqual({ tag: 'ab', n: 7 });
    expect(s.decodeInto(wire, 0, { tag: '', n: 0 })).toEqual({ tag: 'ab', n: 7 });
    // A fixed bytes field keeps its padding, as in the package.
    const b = new MessageStructure([new FieldDefinition('raw', Uint8Array, { fixedLength: 4 })]);
    expect(hex(b.decode(bytes('61000000')).raw)).toBe('61000000');
  });

  test('a ProtocolConfig without performance improvements keeps the NUL rule of its structures', () => {
    // It rebuilds every codec on the interpreted engine; a MessageStructure must stay one.
    const tagged = new MessageStructure([
      new FieldDefinition('tag', String, { fixedLength: 6 }),
      f('n', '>H'),
    ]);
    for (const fast of [true, false]) {
      const config = new ProtocolConfig({
        messageTypeEnum: { TAGGED: 1 },
        messageStructures: { 1: tagged },
        enablePerformanceImprovements: fast,
      });
      const codec = config.codecFor(1);
      expect(codec.engine === 'interpreted').toBe(!fast);
      expect(codec.decode(bytes('6162 00 6364 00 0007'))).toEqual({ tag: 'ab', n: 7 });
    }
  });

  test('an over-long fixed value is refused (the package grows the message and shifts the stream)', () => {
    const s = new MessageStructure([new FieldDefinition('tag', String, { fixedLength: 4 }), f('n', '>H')]);
    expect(() => s.encode({ tag: 'abcdef', n: 7 })).toThrow(EncodeError);
    expect(codeOf(() => s.encode({ tag: 'abcdef', n: 7 }))).toBe('too-long');
  });
});

// Python-spelled structures: what FieldDefinition takes, with values of each.
type FieldSpec = { field: FieldDefinition<string, any, any>; value: fc.Arbitrary<unknown> };
const numberFormats: [string, fc.Arbitrary<unknown>][] = [
  ['>b', fc.integer({ min: -128, max: 127 })],
  ['>B', fc.integer({ min: 0, max: 255 })],
  ['<h', fc.integer({ min: -32768, max: 32767 })],
  ['>H', fc.integer({ min: 0, max: 65535 })],
  ['>i', fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })],
  ['<I', fc.nat({ max: 2 ** 32 - 1 })],
  ['>q', fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })],
  ['>Q', fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })],
  ['>f', fc.float({ noNaN: true }).map((x) => Math.fround(x))],
  ['<d', fc.double({ noNaN: true })],
  ['>?', fc.boolean()],
];
const text = fc.string({ maxLength: 12 }).filter((s) => !s.includes('\0'));
function fieldSpec(name: string, variable: boolean): fc.Arbitrary<FieldSpec> {
  return fc.oneof(
    fc.constantFrom(...numberFormats).map(([format, value]) => ({ field: f(name, format), value })),
    fc.integer({ min: 1, max: 40 }).map((n) => ({
      field: new FieldDefinition(name, String, { fixedLength: n }),
      // In a variable structure fixedLength is ignored; in a fixed one the UTF-8 must fit.
      value: text.filter((s) => variable || Buffer.byteLength(s) <= n),
    })),
    fc.integer({ min: 0, max: 16 }).map((n) => ({
      field: new FieldDefinition(name, Uint8Array, { fixedLength: n }),
      value: fc.uint8Array({ minLength: n, maxLength: n }),
    })),
    ...(variable
      ? [
          fc.constant({ field: new FieldDefinition(name, String), value: text }),
          fc.constant({
            field: new FieldDefinition(name, Uint8Array),
            value: fc.uint8Array({ maxLength: 20 }),
          }),
        ]
      : []),
  );
}
const structureArb = fc.boolean().chain((variable) =>
  fc
    .array(fc.nat(), { maxLength: 6 })
    .chain((ids) => fc.tuple(...ids.map((_, i) => fieldSpec(`f${i}`, variable))))
    // A variable structure has at least one length-prefixed field, somewhere among the others.
    .chain((specs) =>
      variable
        ? fc
            .nat({ max: specs.length })
            .map((at) => [
              ...specs.slice(0, at),
              { field: new FieldDefinition('v', String), value: text },
              ...specs.slice(at),
            ])
        : fc.constant(specs as FieldSpec[]),
    ),
);
const headerArb = fc.constantFrom('>H', '>B', '<H', '>I', '<I');

describe('properties', () => {
  test('encodeMessage/decodeMessage round trip for random Python-spelled structures', () => {
    fc.assert(
      fc.property(
        structureArb,
        headerArb,
        fc.boolean(),
        fc.nat({ max: 100 }),
        (specs, headerFormat, checksum, seed) => {
          const structure = new MessageStructure(specs.map((s) => s.field));
          const config = new ProtocolConfig({
            headerFormat,
            messageStructures: { 7: structure },
            checksumEnabled: checksum,
            checksumFunc: crc,
          });
          const value = Object.fromEntries(
            specs.map((s, i) => [s.field.name, fc.sample(s.value, { numRuns: 1, seed: seed + i })[0]]),
          );
          const wire = config.encodeMessage(7, value as never);
          expect(config.messageSizeAt(wire)).toBe(wire.length);
          expect(wire.length).toBe(config.messageByteLength(7, value as never));
          const back = config.decodeMessage(wire);
          expect(back.type).toBe(7);
          const normalised = Object.fromEntries(
            Object.entries(value).map(([k, v]) => {
              const field = specs.find((s) => s.field.name === k)?.field;
              // Fixed strings come back without their padding; fixed bytes keep it.
              return [k, field?.type === String && typeof v === 'string' ? v.replace(/\0+$/, '') : v];
            }),
          );
          expect(back.value).toEqual(normalised);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('any bytes give a message or a typed error, never anything else', () => {
    const config = new ProtocolConfig({
      messageStructures: structures,
      maxPayloadSize: 256,
      checksumEnabled: true,
      checksumFunc: crc,
    });
    const plain = new ProtocolConfig({ messageStructures: structures, maxPayloadSize: 256 });
    const prefix = fc.constantFrom('0001', '0002', '0003', '0004', '000f', 'ffff', '0009').map(bytes);
    fc.assert(
      fc.property(fc.option(prefix, { nil: undefined }), fc.uint8Array({ maxLength: 64 }), (head, tail) => {
        const input = head === undefined ? tail : new Uint8Array([...head, ...tail]);
        for (const c of [config, plain]) {
          try {
            const m = c.decodeMessage(input);
            expect(typeof m.type).toBe('number');
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
          try {
            const size = c.messageSizeAt(input);
            if (size !== undefined) expect(size).toBeGreaterThanOrEqual(c.headerSize);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
