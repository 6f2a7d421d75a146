// Property tests of the METADATA codec (docs/PROTOCOL.md section 20.2): every valid map round-trips
// byte-exactly, and any body at all decodes or fails with a SessionError, never anything else.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { SessionError } from '../src/index.js';
import { decodeMetadataFrame, encodeMetadataFrame } from '../src/wire/index.js';

const limits = { maxMetadataEntries: 255, maxMetadataSize: 1 << 20 };
const key = fc.stringMatching(/^[a-z0-9._-]{1,40}$/);
const metadata = fc.dictionary(key, fc.string({ maxLength: 60, unit: 'grapheme' }), {
  minKeys: 1,
  maxKeys: 20,
});

test('valid metadata round-trips through a METADATA frame', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), metadata, (id, map) => {
      const frame = encodeMetadataFrame(id, map, limits);
      const decoded = decodeMetadataFrame(frame, 4, frame.length, 255);
      expect(decoded.requestId).toBe(id);
      expect({ ...decoded.metadata }).toEqual(map);
      const again = encodeMetadataFrame(id, decoded.metadata, limits);
      expect(Buffer.from(again).equals(Buffer.from(frame))).toBe(true);
    }),
  );
});

test('any body decodes or fails with a SessionError (malformed-frame or payload-too-large)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 255 }), (body, maxEntries) => {
      try {
        const { metadata: map } = decodeMetadataFrame(body, 0, body.length, maxEntries);
        expect(Object.keys(map).length).toBeLessThanOrEqual(maxEntries);
      } catch (error) {
        expect(error).toBeInstanceOf(SessionError);
        expect(['malformed-frame', 'payload-too-large']).toContain((error as SessionError).code);
      }
    }),
    { numRuns: 2000 },
  );
});
