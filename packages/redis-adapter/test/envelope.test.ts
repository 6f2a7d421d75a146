// The envelope a broadcast crosses Redis in: round trip, and hostile bytes give typed errors.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  decodeEnvelope,
  ENVELOPE_HEADER_SIZE,
  encodeEnvelope,
  isRedisAdapterError,
  maxEnvelopeSize,
} from '../src/index.js';

const limits = { maxRooms: 4, maxRoomNameLength: 16, maxFrameSize: 256 };
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const envelope = fc.record({
  sender: bytes(16),
  fingerprint: bytes(8),
  volatile: fc.boolean(),
  rooms: fc.option(fc.array(fc.string({ minLength: 1, maxLength: 16 }), { maxLength: 4 }), {
    nil: undefined,
  }),
  exceptRooms: fc.option(
    fc.array(fc.string({ minLength: 1, maxLength: 16 }), { minLength: 1, maxLength: 4 }),
    {
      nil: undefined,
    },
  ),
  frame: fc.uint8Array({ maxLength: 256 }),
});

describe('envelope', () => {
  test('decode(encode(e)) is e', () => {
    fc.assert(
      fc.property(envelope, (e) => {
        const encoded = encodeEnvelope(e);
        expect(encoded.length).toBeLessThanOrEqual(maxEnvelopeSize(limits));
        const back = decodeEnvelope(encoded, limits);
        expect({
          ...back,
          sender: [...back.sender],
          fingerprint: [...back.fingerprint],
          frame: [...back.frame],
        }).toEqual({
          ...e,
          sender: [...e.sender],
          fingerprint: [...e.fingerprint],
          frame: [...e.frame],
        });
      }),
    );
  });

  test('any bytes decode or give a typed error (never a crash, never past the limits)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }),
          fc.tuple(envelope, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([e, at, byte]) => {
            const encoded = encodeEnvelope(e);
            encoded[at % encoded.length] = byte;
            return encoded;
          }),
        ),
        (input) => {
          try {
            const e = decodeEnvelope(input, limits);
            expect(e.rooms?.length ?? 0).toBeLessThanOrEqual(limits.maxRooms);
            for (const room of e.rooms ?? [])
              expect(room.length).toBeLessThanOrEqual(limits.maxRoomNameLength);
            expect(e.exceptRooms?.length ?? 0).toBeLessThanOrEqual(limits.maxRooms);
            for (const room of e.exceptRooms ?? [])
              expect(room.length).toBeLessThanOrEqual(limits.maxRoomNameLength);
            expect(e.frame.length).toBeLessThanOrEqual(limits.maxFrameSize);
          } catch (error) {
            expect(isRedisAdapterError(error)).toBe(true);
            expect(['malformed-envelope', 'message-too-large']).toContain((error as { code: string }).code);
          }
        },
      ),
    );
  });

  test('the size bound is checked before anything is read', () => {
    const huge = new Uint8Array(maxEnvelopeSize(limits) + 1);
    expect(() => decodeEnvelope(huge, limits)).toThrow(
      expect.objectContaining({ code: 'message-too-large' }),
    );
    expect(() => decodeEnvelope(new Uint8Array(ENVELOPE_HEADER_SIZE - 1), limits)).toThrow(
      expect.objectContaining({ code: 'malformed-envelope' }),
    );
  });

  test('without except-rooms the envelope is the format before them (bit 2 clear); with the bit, at least one', () => {
    const base = {
      sender: new Uint8Array(16),
      fingerprint: new Uint8Array(8),
      volatile: false,
      rooms: ['a'],
      frame: new Uint8Array([1, 2, 3]),
    };
    const plain = encodeEnvelope(base);
    expect(encodeEnvelope({ ...base, exceptRooms: [] })).toEqual(plain);
    const flags = 1 + 16 + 8;
    expect(plain[flags]).toBe(2);
    const withExcept = encodeEnvelope({ ...base, exceptRooms: ['user:ann'] });
    expect(withExcept[flags]).toBe(2 | 4);
    expect(decodeEnvelope(withExcept, limits).exceptRooms).toEqual(['user:ann']);
    // The bit with an empty list is malformed (no writer makes it).
    const empty = Uint8Array.from([
      ...plain.subarray(0, flags),
      2 | 4,
      ...plain.subarray(flags + 1, flags + 6),
      0,
      0,
      1,
      2,
      3,
    ]);
    expect(() => decodeEnvelope(empty, limits)).toThrow(
      expect.objectContaining({ code: 'malformed-envelope' }),
    );
  });
});
