import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isSessionError } from '../src/index.js';
import {
  decodeErrorFrame,
  decodeGoodbye,
  decodeHello,
  decodeReject,
  decodeWelcome,
  encodeErrorFrame,
  encodeGoodbye,
  encodeHello,
  encodeReject,
  encodeWelcome,
} from '../src/wire/index.js';

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const text = fc.string({ maxLength: 40 });
const body = (frame: Uint8Array) => [frame, 4, frame.length] as const;

describe('control frames round-trip', () => {
  test('HELLO', () => {
    fc.assert(
      fc.property(
        u16,
        u16,
        u32,
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.option(fc.string({ minLength: 1, maxLength: 30 }), { nil: undefined }),
        fc.array(fc.record({ type: u32, digest: fc.uint8Array({ minLength: 8, maxLength: 8 }) }), {
          maxLength: 5,
        }),
        (minVersion, maxVersion, maxPayloadSize, fingerprint, token, digests) => {
          const frame = encodeHello({ minVersion, maxVersion, maxPayloadSize, fingerprint, token, digests });
          expect(frame[0] >> 4).toBe(1);
          const decoded = decodeHello(...body(frame));
          expect(decoded).toEqual({
            magic: 0x42505750,
            minVersion,
            maxVersion,
            maxPayloadSize,
            fingerprint,
            token,
            digests,
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  test('WELCOME, REJECT, ERROR, GOODBYE', () => {
    fc.assert(
      fc.property(u16, u32, u32, u32, (version, maxPayloadSize, heartbeatInterval, maxInFlight) => {
        const w = { version, maxPayloadSize, heartbeatInterval, maxInFlight };
        expect(decodeWelcome(...body(encodeWelcome(w)))).toEqual({ magic: 0x42505750, ...w });
      }),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(
        u16,
        u16,
        u16,
        text,
        fc.array(fc.record({ type: u32, status: fc.integer({ min: 1, max: 3 }) }), { maxLength: 5 }),
        (code, minVersion, maxVersion, reason, details) => {
          const r = { code, minVersion, maxVersion, reason, details };
          expect(decodeReject(...body(encodeReject(r)))).toEqual({ magic: 0x42505750, ...r });
        },
      ),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(u32, u16, text, (requestId, code, message) => {
        expect(decodeErrorFrame(...body(encodeErrorFrame({ requestId, code, message })))).toEqual({
          requestId,
          code,
          message,
        });
      }),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(u16, u32, text, (code, deadline, reason) => {
        expect(decodeGoodbye(...body(encodeGoodbye({ code, deadline, reason })))).toEqual({
          code,
          deadline,
          reason,
        });
      }),
      { numRuns: 50 },
    );
  });

  test('texts are cut to 1024 bytes at a character boundary', () => {
    const frame = encodeErrorFrame({ requestId: 1, code: 18, message: 'é'.repeat(600) });
    const decoded = decodeErrorFrame(...body(frame));
    expect(decoded.message).toBe('é'.repeat(512));
  });

  test('decoders refuse any truncation with malformed-frame, never crash', () => {
    const frames = [
      [
        decodeHello,
        encodeHello({
          minVersion: 1,
          maxVersion: 1,
          maxPayloadSize: 5,
          fingerprint: new Uint8Array(32),
          token: 'tok',
          digests: [{ type: 1, digest: new Uint8Array(8) }],
        }),
      ],
      [
        decodeReject,
        encodeReject({
          code: 14,
          minVersion: 1,
          maxVersion: 1,
          reason: 'why',
          details: [{ type: 2, status: 1 }],
        }),
      ],
      [decodeWelcome, encodeWelcome({ version: 1, maxPayloadSize: 1, heartbeatInterval: 1, maxInFlight: 1 })],
      [decodeErrorFrame, encodeErrorFrame({ requestId: 1, code: 1, message: '' })],
      [decodeGoodbye, encodeGoodbye({ code: 0, deadline: 1, reason: '' })],
    ] as const;
    for (const [decode, frame] of frames) {
      for (let end = 4; end < frame.length; end++) {
        try {
          decode(frame, 4, end);
        } catch (error) {
          expect(isSessionError(error) && error.code).toBe('malformed-frame');
        }
      }
    }
    // Truncating the variable parts must be caught, not read past the end.
    const hello = frames[0][1];
    expect(() => decodeHello(hello, 4, hello.length - 1)).toThrow(/digests overrun/);
  });
});
