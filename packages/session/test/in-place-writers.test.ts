import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  decodeErrorFrame,
  decodeGoodbye,
  errorFrameSize,
  goodbyeFrameSize,
  readU32,
  writeErrorInto,
  writeGoodbyeInto,
  writeU32FrameInto,
} from '../src/control-frames.js';
import { FrameKind } from '../src/frame-kind.js';
import { encodeText } from '../src/text.js';
import { readFramesForTest } from './fixtures.js';

// The session writes ERROR, GOODBYE, PING/PONG/CANCEL straight into its outgoing buffer with these;
// the readers beside them must read back exactly what they wrote, wherever in a buffer it lands.

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const offset = fc.integer({ min: 0, max: 64 });

describe('in-place frame writers', () => {
  test('writeErrorInto: size, returned end, header and body round-trip at any offset', () => {
    fc.assert(
      fc.property(offset, u32, u16, fc.string({ maxLength: 40 }), (at, requestId, code, message) => {
        const text = encodeText(message);
        const size = errorFrameSize(text.length);
        const buffer = new Uint8Array(at + size + 7).fill(0xaa);
        expect(writeErrorInto(buffer, at, requestId, code, text)).toBe(at + size);
        expect(buffer[at - 1] ?? 0xaa).toBe(0xaa);
        expect(buffer[at + size]).toBe(0xaa);
        const [frame] = readFramesForTest(buffer.subarray(at, at + size));
        expect(frame.kind).toBe(FrameKind.ERROR);
        expect(decodeErrorFrame(frame.body, 0, frame.body.length)).toEqual({ requestId, code, message });
      }),
    );
  });

  test('writeGoodbyeInto: size, returned end, header and body round-trip at any offset', () => {
    fc.assert(
      fc.property(offset, u16, u32, fc.string({ maxLength: 40 }), (at, code, deadline, reason) => {
        const text = encodeText(reason);
        const size = goodbyeFrameSize(text.length);
        const buffer = new Uint8Array(at + size + 7).fill(0xaa);
        expect(writeGoodbyeInto(buffer, at, code, deadline, text)).toBe(at + size);
        expect(buffer[at + size]).toBe(0xaa);
        const [frame] = readFramesForTest(buffer.subarray(at, at + size));
        expect(frame.kind).toBe(FrameKind.GOODBYE);
        expect(decodeGoodbye(frame.body, 0, frame.body.length)).toEqual({ code, deadline, reason });
      }),
    );
  });

  test('writeU32FrameInto: PING, PONG and CANCEL', () => {
    fc.assert(
      fc.property(
        offset,
        fc.constantFrom(FrameKind.PING, FrameKind.PONG, FrameKind.CANCEL),
        u32,
        (at, kind, value) => {
          const buffer = new Uint8Array(at + 8 + 3).fill(0xaa);
          expect(writeU32FrameInto(buffer, at, kind, value)).toBe(at + 8);
          expect(buffer[at + 8]).toBe(0xaa);
          const [frame] = readFramesForTest(buffer.subarray(at, at + 8));
          expect(frame.kind).toBe(kind);
          expect(readU32(frame.body, 0)).toBe(value);
        },
      ),
    );
  });
});
