// Pre-encoded MESSAGE frames (encoded-message.ts): encode once, write to many sessions.
import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import { isSessionError } from '../src/index.js';
import {
  encodeMessage,
  encodeMessageFrame,
  readEncodedMessage,
  writeEncodedMessage,
} from '../src/wire/index.js';
import { connect, T, testProtocol } from './fixtures.js';

describe('encoded messages', () => {
  test('one encoding, written to several sessions, arrives as the value, in order with send()', async () => {
    const pairs = [connect({ protocol: testProtocol }), connect({ protocol: testProtocol })];
    const seen = pairs.map(() => [] as string[]);
    pairs.forEach(({ client }, i) => {
      client.on(T.NOTE, ({ text }) => seen[i]!.push(text));
    });
    await Promise.all(pairs.map(({ client, server }) => Promise.all([client.ready, server.ready])));
    const message = encodeMessage(testProtocol, T.NOTE, { text: 'shared' });
    expect(message.frame).toEqual(encodeMessageFrame(testProtocol, T.NOTE, { text: 'shared' }));
    for (const { server } of pairs) {
      server.send(T.NOTE, { text: 'before' });
      expect(writeEncodedMessage(server, message)).toBe('sent');
      server.send(T.NOTE, { text: 'after' });
    }
    await vi.waitUntil(() => seen.every((s) => s.length === 3));
    for (const s of seen) expect(s).toEqual(['before', 'shared', 'after']);
  });

  test("the peer's maxPayloadSize is respected; a closed session says so", async () => {
    const { client, server } = connect({
      protocol: testProtocol,
      client: { limits: { maxPayloadSize: 16 } },
    });
    await Promise.all([client.ready, server.ready]);
    const big = encodeMessage(testProtocol, T.NOTE, { text: 'x'.repeat(64) });
    expect(writeEncodedMessage(server, big)).toBe('too-large');
    await server.close({ deadline: 100 });
    expect(writeEncodedMessage(server, encodeMessage(testProtocol, T.NOTE, { text: '' }))).toBe('closed');
  });

  test('encodeMessage refuses a payload over the given maxPayloadSize', () => {
    expect(() => encodeMessage(testProtocol, T.NOTE, { text: 'x'.repeat(100) }, 32)).toThrow(
      expect.objectContaining({ code: 'payload-too-large' }),
    );
  });

  test('readEncodedMessage accepts what encodeMessage makes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const message = encodeMessage(testProtocol, T.NOTE, { text });
        expect(readEncodedMessage(testProtocol, message.frame)).toEqual(message);
      }),
    );
  });

  test('readEncodedMessage gives a typed error for any other bytes, never a crash', () => {
    const valid = encodeMessage(testProtocol, T.NOTE, { text: 'hello' }).frame;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          // Valid frames with one byte changed or cut short.
          fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
            const copy = valid.slice();
            copy[at] = byte;
            return copy;
          }),
          fc.nat(valid.length - 1).map((end) => valid.slice(0, end)),
        ),
        (bytes) => {
          try {
            readEncodedMessage(testProtocol, bytes, 32);
          } catch (error) {
            expect(isSessionError(error)).toBe(true);
            expect(['malformed-frame', 'payload-too-large', 'unknown-type', 'decode-error']).toContain(
              (error as { code: string }).code,
            );
          }
        },
      ),
    );
  });
});
