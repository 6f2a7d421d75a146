import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameReader } from '../src/competitors/frame-reader.js';

function encodeFrames(frames: Uint8Array[]): Buffer {
  return Buffer.concat(
    frames.flatMap((f) => {
      const head = Buffer.alloc(4);
      head.writeUInt32BE(f.length);
      return [head, Buffer.from(f)];
    }),
  );
}

describe('FrameReader (the hand-written reference framing)', () => {
  it('yields the same frames for any chunking of the stream', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 50 }),
        (frames, cuts) => {
          const stream = encodeFrames(frames);
          const got: Buffer[] = [];
          const reader = new FrameReader((buffer, start, end) =>
            got.push(Buffer.from(buffer.subarray(start, end))),
          );
          let offset = 0;
          let k = 0;
          while (offset < stream.length) {
            const size = cuts[k++ % cuts.length]!;
            reader.push(stream.subarray(offset, offset + size));
            offset += size;
          }
          expect(got.map((b) => [...b])).toEqual(frames.map((f) => [...f]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a frame above its limit', () => {
    const reader = new FrameReader(() => {}, 16);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(17);
    expect(() => reader.push(head)).toThrow(RangeError);
  });
});
