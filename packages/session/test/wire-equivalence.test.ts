import {
  array,
  bool,
  FieldDefinition,
  f64,
  i16,
  MessageStructure,
  optional,
  ProtocolConfig,
  string,
  struct,
  u8,
} from '@bp/codec';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createServerSession, type SessionProtocol } from '../src/index.js';
import { encodeMessageFrame, encodeRequestFrame } from '../src/wire/index.js';
import { helloFor, RecordingTransport } from './fixtures.js';

const shape = struct({
  id: i16,
  name: string({ lengthPrefix: 'u8' }),
  tags: array(u8),
  score: optional(f64),
  ok: bool,
});

function protocolWith(headerFormat: string, types: number[]) {
  return new ProtocolConfig({
    headerFormat,
    // The edge types (255, 65535, -1) are the binary_protocol wire's default NOT_FOUND number,
    // which is reserved on that wire only: bp's own frames carry them as any other type.
    messageStructures: Object.fromEntries(types.map((t) => [t, shape])),
  });
}

/** The same protocol without `codecFor`: forces the session's generic path. */
function generic(protocol: ProtocolConfig<any, any>): SessionProtocol {
  return {
    headerFormat: protocol.headerFormat,
    headerSize: protocol.headerSize,
    maxPayloadSize: protocol.maxPayloadSize,
    connectTimeout: protocol.connectTimeout,
    readTimeout: protocol.readTimeout,
    hasType: (t) => protocol.hasType(t),
    typeName: (t) => protocol.typeName(t),
    replyTypeOf: (t) => protocol.replyTypeOf(t),
    messageByteLength: (t, v) => protocol.messageByteLength(t, v),
    encodeMessageInto: (t, v, target, offset) => protocol.encodeMessageInto(t, v, target, offset),
    decodeMessage: (b, o, e) => protocol.decodeMessage(b, o, e),
    describe: () => protocol.describe(),
  };
}

async function openSession(protocol: SessionProtocol, describeFrom: ProtocolConfig<any, any>) {
  const transport = new RecordingTransport();
  const session = createServerSession({ protocol: protocol as ProtocolConfig<any, any>, transport });
  session.receive(helloFor(describeFrom));
  await session.ready;
  await Promise.resolve();
  transport.chunks.length = 0;
  return { session, transport };
}

const value = fc.record({
  id: fc.integer({ min: -32768, max: 32767 }),
  name: fc.string({ maxLength: 20 }),
  tags: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 5 }),
  score: fc.option(fc.double({ noNaN: true }), { nil: undefined }),
  ok: fc.boolean(),
});

const cases: [string, number[]][] = [
  ['>H', [1, 2, 65535]],
  ['<H', [1, 258]],
  ['>B', [0, 255]],
  ['>b', [-128, -1, 5]],
  ['>h', [-300, 300]],
  ['<I', [1, 70000, 4000000000]],
  ['>i', [-70000, 2]],
];

describe('the fast path writes and reads exactly what the protocol defines', () => {
  test.each(cases)('headerFormat %s', async (format, types) => {
    const protocol = protocolWith(format, types);
    const fast = await openSession(protocol, protocol);
    const slow = await openSession(generic(protocol), protocol);
    const received: unknown[] = [];
    for (const t of types) fast.session.on(t as never, (v) => received.push([t, v]));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...types), value, async (type, v) => {
        fast.session.send(type as never, v as never);
        slow.session.send(type as never, v as never);
        fast.session.flush();
        slow.session.flush();
        const expected = encodeMessageFrame(protocol, type, v);
        expect(fast.transport.chunks.pop()).toEqual(expected);
        expect(slow.transport.chunks.pop()).toEqual(expected);
        received.length = 0;
        fast.session.receive(expected);
        expect(received).toEqual([[type, protocol.decodeMessage(expected, 4).value]]);
      }),
      { numRuns: 60 },
    );
  });

  test("bp's frames never carry the binary_protocol wire's length or checksum: encodeMessageFrame writes what a session sends", async () => {
    const protocol = new ProtocolConfig({
      // A variable MessageStructure and a checksum: the Python wire adds a '>I' length and a
      // trailer to such messages (encodeMessage); bp's frames carry the header and payload only.
      checksumEnabled: true,
      checksumFunc: () => new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
      messageStructures: {
        2: new MessageStructure([
          new FieldDefinition('status_code', Number, { formatString: '>I' }),
          new FieldDefinition('message', String),
        ]),
      },
    });
    const { session, transport } = await openSession(protocol, protocol);
    session.send(2 as never, { status_code: 200, message: 'ok' } as never);
    session.flush();
    const sent = transport.chunks.pop() as Uint8Array;
    const frame = encodeMessageFrame(protocol, 2, { status_code: 200, message: 'ok' });
    expect(Buffer.from(sent).toString('hex')).toBe('4000000c0002000000c8000000026f6b');
    expect(frame).toEqual(sent);
    expect(
      Buffer.from(encodeRequestFrame(protocol, 7, 2, { status_code: 1, message: '' })).toString('hex'),
    ).toBe('5000000e00000007000200000001' + '00000000');
  });

  test('a negative type of a signed header format is named correctly in a schema mismatch', async () => {
    const server = protocolWith('>b', [-5, 3]);
    const client = new ProtocolConfig({
      headerFormat: '>b',
      messageTypeEnum: { NEG: -5, POS: 3 },
      messageStructures: { [-5]: struct({ x: u8 }), 3: shape },
    });
    const transport = new RecordingTransport();
    const session = createServerSession({ protocol: server, transport });
    session.receive(helloFor(client));
    await expect(session.ready).rejects.toMatchObject({
      code: 'schema-mismatch',
      mismatches: [{ type: 0xfffffffb, status: 'differs' }],
    });
  });
});
