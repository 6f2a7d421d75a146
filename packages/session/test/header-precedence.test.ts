// Which error a receiver reports when a frame breaks more than one rule: docs/PROTOCOL.md section
// 3.1's header rules come before the handshake's first-frame rule (5.3) and the METADATA rule
// (20.3). Also section 13.1 rule 6: a second GOODBYE is fatal. (Clarified after an adversarial
// client, written from the spec, asked.)
import { describe, expect, test } from 'vitest';
import { createServerSession, ErrorCode } from '../src/index.js';
import {
  decodeErrorFrame,
  decodeReject,
  encodeGoodbye,
  encodeMetadataFrame,
  encodeRequestFrame,
  FrameKind,
  type MetadataLimits,
} from '../src/wire/index.js';
import { helloFor, RecordingTransport, settle, T, testProtocol } from './fixtures.js';

/** A server session past a version-3 handshake (METADATA allowed), over a recording transport. */
async function openVersion3() {
  const transport = new RecordingTransport();
  const session = createServerSession({
    protocol: testProtocol,
    transport,
    handlers: { [T.ECHO]: () => new Promise<never>(() => {}) },
  });
  session.receive(helloFor(testProtocol, { maxVersion: 3 }));
  await session.ready;
  expect(session.peer?.version).toBe(3);
  await settle(1);
  transport.take();
  return { session, transport };
}

/** The code of the fatal ERROR (id 0) the session wrote last. */
function fatalCode(transport: RecordingTransport): number | undefined {
  const error = transport
    .take()
    .filter((frame) => frame.kind === FrameKind.ERROR)
    .at(-1);
  if (error === undefined) return undefined;
  const decoded = decodeErrorFrame(error.body, 0, error.body.length);
  expect(decoded.requestId).toBe(0);
  return decoded.code;
}

describe('header rules come first', () => {
  test.each([
    ['four zero bytes (kind 0)', [0, 0, 0, 0]],
    ['kind 0xE with a body', [0xe0, 0, 0, 4, 0, 0, 0, 0]],
  ])(
    'a first frame of a reserved kind, %s, is REJECT(malformed-frame), not unexpected-frame',
    async (_name, bytes) => {
      const transport = new RecordingTransport();
      const session = createServerSession({ protocol: testProtocol, transport });
      session.receive(new Uint8Array(bytes));
      await expect(session.ready).rejects.toMatchObject({ code: 'malformed-frame' });
      const reject = transport.take().find((frame) => frame.kind === FrameKind.REJECT);
      expect(reject).toBeDefined();
      expect(decodeReject(reject!.body, 0, reject!.body.length).code).toBe(ErrorCode['malformed-frame']);
    },
  );

  test('a first frame of a valid kind other than HELLO is REJECT(unexpected-frame)', async () => {
    const transport = new RecordingTransport();
    const session = createServerSession({ protocol: testProtocol, transport });
    session.receive(encodeRequestFrame(testProtocol, 1, T.ECHO, { text: '', delay: 0 }));
    await expect(session.ready).rejects.toMatchObject({ code: 'unexpected-frame' });
  });

  test.each([
    ['a length over the maximum', [0x4f, 0xff, 0xff, 0xff], 'payload-too-large'],
    ['a reserved kind', [0, 0, 0, 0], 'malformed-frame'],
    ['a PING of the wrong size', [0x80, 0, 0, 3, 0, 0, 0], 'malformed-frame'],
    ['a well-formed PING', [0x80, 0, 0, 4, 0, 0, 0, 1], 'unexpected-frame'],
  ] as const)('after METADATA, %s fails with %s', async (_name, bytes, code) => {
    const { session, transport } = await openVersion3();
    const limits: MetadataLimits = { maxMetadataEntries: 16, maxMetadataSize: 4096 };
    session.receive(encodeMetadataFrame(1, { a: 'b' }, limits));
    session.receive(new Uint8Array(bytes));
    expect(session.state).toBe('closed');
    expect(fatalCode(transport)).toBe(ErrorCode[code]);
  });
});

test('a second GOODBYE is a fatal unexpected-frame, even while the connection drains', async () => {
  const { session, transport } = await openVersion3();
  session.receive(encodeRequestFrame(testProtocol, 1, T.ECHO, { text: 'slow', delay: 0 }));
  const goodbye = encodeGoodbye({ code: 0, deadline: 1000, reason: '' });
  session.receive(goodbye);
  expect(session.state).toBe('closing');
  session.receive(goodbye);
  expect(session.state).toBe('closed');
  expect(fatalCode(transport)).toBe(ErrorCode['unexpected-frame']);
});
