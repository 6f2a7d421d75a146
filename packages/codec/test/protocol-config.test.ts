import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  BpError,
  type DecodeError,
  EncodeError,
  FieldDefinition,
  f32,
  fromFormat,
  isDecodeError,
  MessageStructure,
  ProtocolConfig,
  struct,
  u32,
} from '../src/index.node.js';
import { leaveInSlab } from './slab-position.js';

enum MessageType {
  SENSOR_DATA = 1,
  STATUS = 2,
  BENCHMARK = 3,
  FIXED_BENCHMARK = 4,
}

const sensor = new MessageStructure([
  new FieldDefinition('sensor1', Number, { formatString: '>f' }),
  new FieldDefinition('sensor2', Number, { formatString: '>f' }),
]);
const status = new MessageStructure([
  new FieldDefinition('status_code', Number, { formatString: '>I' }),
  new FieldDefinition('message', String),
  new FieldDefinition('tag', String, { fixedLength: 8 }),
]);

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe.each([true, false])('ProtocolConfig (enablePerformanceImprovements: %s)', (fast) => {
  const config = new ProtocolConfig({
    messageTypeEnum: MessageType,
    messageStructures: {
      [MessageType.SENSOR_DATA]: sensor,
      [MessageType.STATUS]: status,
      [MessageType.BENCHMARK]: struct({ seq: u32, x: f32 }),
    },
    responses: { [MessageType.BENCHMARK]: MessageType.BENCHMARK },
    maxPayloadSize: 64,
    enablePerformanceImprovements: fast,
  });

  test('defaults and options', () => {
    expect(config.headerFormat).toBe('>H');
    expect(config.headerSize).toBe(2);
    expect(config.maxPayloadSize).toBe(64);
    expect(config.connectTimeout).toBe(30_000);
    expect(config.readTimeout).toBe(30_000);
    expect(config.enablePerformanceImprovements).toBe(fast);
    expect(config.messageTypes()).toEqual([1, 2, 3]);
    expect(config.typeName(2)).toBe('STATUS');
    expect(config.hasType(4)).toBe(false);
    expect(config.replyTypeOf(MessageType.BENCHMARK)).toBe(3);
    expect(config.replyTypeOf(MessageType.STATUS)).toBeUndefined();
    if (!fast) expect(config.codecFor(MessageType.STATUS).engine).toBe('interpreted');
  });

  test('encodes header then payload, decodes to a { type, value } union', () => {
    const bytes = config.encodeMessage(MessageType.STATUS, { status_code: 200, message: 'ok', tag: 'a' });
    // The package's bytes: the outer >I payload length (15), and tag length-prefixed because the
    // structure is variable (fixedLength holds only in fixed structures).
    expect(hex(bytes)).toBe(`0002` + `0000000f` + `000000c8` + `00000002` + `6f6b` + `00000001` + `61`);
    expect(config.messageByteLength(MessageType.STATUS, { status_code: 200, message: 'ok', tag: 'a' })).toBe(
      bytes.length,
    );
    const m = config.decodeMessage(bytes);
    expect(m).toEqual({ type: 2, value: { status_code: 200, message: 'ok', tag: 'a' } });
    const target = new Uint8Array(40);
    const n = config.encodeMessageInto(MessageType.SENSOR_DATA, { sensor1: 1.5, sensor2: -2 }, target, 3);
    expect(n).toBe(10);
    expect(config.decodeMessage(target, 3, 13)).toEqual({ type: 1, value: { sensor1: 1.5, sensor2: -2 } });
  });

  test('typed errors: unknown type, too large, trailing bytes, truncated', () => {
    expect(() => config.encodeMessage(9 as never, {} as never)).toThrow(EncodeError);
    const unknown = new Uint8Array([0, 9, 1, 2]);
    expect(() => config.decodeMessage(unknown)).toThrow(expect.objectContaining({ code: 'unknown-type' }));
    expect(() =>
      config.encodeMessage(MessageType.STATUS, { status_code: 1, message: 'x'.repeat(60), tag: '' }),
    ).toThrow(expect.objectContaining({ code: 'payload-too-large' }));
    const big = new Uint8Array(2 + 4 + 65);
    big[1] = 2;
    big[5] = 65;
    expect(() => config.decodeMessage(big)).toThrow(expect.objectContaining({ code: 'payload-too-large' }));
    const ok = config.encodeMessage(MessageType.SENSOR_DATA, { sensor1: 1, sensor2: 2 });
    const longer = new Uint8Array(ok.length + 1);
    longer.set(ok);
    expect(() => config.decodeMessage(longer)).toThrow(expect.objectContaining({ code: 'trailing-bytes' }));
    try {
      config.decodeMessage(ok.subarray(0, 5));
      expect.unreachable();
    } catch (e) {
      expect(isDecodeError(e)).toBe(true);
      expect((e as DecodeError).code).toBe('truncated');
    }
    const bad = config.encodeMessage(MessageType.STATUS, { status_code: 1, message: 'hey', tag: '' });
    bad[13] = 99;
    expect(() => config.decodeMessage(bad)).toThrow('STATUS.message: length 99 exceeds the 7 bytes left');
  });

  test('describe() is JSON-able and names the types', () => {
    const d = config.describe();
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    expect(d.types[1]).toEqual({
      type: 2,
      name: 'STATUS',
      schema: {
        type: 'struct',
        fields: [
          { name: 'status_code', schema: { type: 'u32' } },
          { name: 'message', schema: { type: 'string', lengthPrefix: 'u32' } },
          { name: 'tag', schema: { type: 'string', lengthPrefix: 'u32' } },
        ],
      },
    });
  });
});

test('header formats other than an integer code are refused', () => {
  expect(() => new ProtocolConfig({ messageStructures: {}, headerFormat: '>f' })).toThrow(/integer/);
  expect(() => new ProtocolConfig({ messageStructures: {}, headerFormat: 'H' })).toThrow(/byte order/);
  expect(() => new ProtocolConfig({ messageStructures: { 300: sensor }, headerFormat: '>B' })).toThrow(
    RangeError,
  );
});

const empty = struct({});

test('any header format string gives the integer header Python reads, or an invalid-format error', () => {
  // The header has its own parser; Python's struct (fromFormat) is the reference for what it
  // accepts: the same width and byte order for every integer code, and nothing else.
  const codes = fc.constantFrom(...'bBhHiIlLqQfd?sx'.split(''));
  const orders = fc.constantFrom('<', '>', '!', '=', '@', '');
  const format = fc.oneof(
    fc.tuple(orders, fc.constantFrom('', '1', '2'), codes).map((parts) => parts.join('')),
    fc.string({ maxLength: 6 }),
  );
  fc.assert(
    fc.property(format, (headerFormat) => {
      let config: ProtocolConfig<{ 1: typeof empty }>;
      try {
        config = new ProtocolConfig({ messageStructures: { 1: empty }, headerFormat });
      } catch (error) {
        expect(error).toBeInstanceOf(BpError);
        expect((error as BpError).code).toBe('invalid-format');
        expect((error as Error).message).toContain(JSON.stringify(headerFormat));
        expect(/^[<>!]1?[bBhHiIlL]$/.test(headerFormat)).toBe(false);
        return;
      }
      // Type 1 in the header, an empty payload after it: the bytes Python's struct.pack gives.
      const reference = fromFormat(headerFormat) as unknown as { encode(v: number): Uint8Array };
      expect(config.headerSize).toBe(reference.encode(1).length);
      expect(config.encodeMessage(1, {})).toEqual(reference.encode(1));
    }),
    { numRuns: 2000 },
  );
});

test.each([
  ['a length-prefixed payload', false],
  ['a length-prefixed payload and a checksum', true],
])('encodeMessage of %s never fails for want of room, wherever its shared slab ends', (_, checksum) => {
  // encodeMessage carves results out of a shared slab and retries in a new one when a message
  // does not fit; the Python wire's length prefix and checksum once reported that as
  // buffer-too-small instead. Each message here starts 0..30 bytes before the slab's end.
  let sums = 0;
  const config = new ProtocolConfig({
    messageTypeEnum: MessageType,
    messageStructures: { [MessageType.STATUS]: status },
    checksumEnabled: checksum,
    checksumSize: 2,
    checksumFunc: (bytes) => {
      sums++;
      return new Uint8Array([bytes.length >> 8, bytes.length & 0xff]);
    },
  });
  for (let left = 0; left <= 30; left++) {
    const value = { status_code: left, message: 'hello', tag: 't' };
    leaveInSlab(left);
    const before = sums;
    const bytes = config.encodeMessage(MessageType.STATUS, value);
    // The checksum is computed once, not again for a message retried in a new slab.
    expect(sums - before).toBe(checksum ? 1 : 0);
    expect(config.decodeMessage(bytes)).toEqual({ type: MessageType.STATUS, value });
  }
});

test('a checksumFunc that encodes its checksum with a codec leaves the message it is for intact', () => {
  // The checksum's own encode() used to be carved from the slab at the place the message was
  // still being written: its bytes replaced the message's header.
  const sum = (b: Uint8Array) => b.reduce((a, x) => (a * 31 + x) >>> 0, 7);
  const config = new ProtocolConfig({
    messageTypeEnum: MessageType,
    messageStructures: { [MessageType.STATUS]: status },
    checksumEnabled: true,
    checksumSize: 4,
    checksumFunc: (bytes) => u32.encode(sum(bytes)),
  });
  for (let left = 0; left <= 30; left++) {
    const value = { status_code: left, message: 'hello', tag: 't' };
    leaveInSlab(left);
    const bytes = config.encodeMessage(MessageType.STATUS, value);
    expect([...bytes.subarray(0, 2)]).toEqual([0, MessageType.STATUS]);
    expect(config.decodeMessage(bytes)).toEqual({ type: MessageType.STATUS, value });
  }
});
