import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FrameProgress } from '../src/frame-progress.js';

function frame(kind: number, length: number): Uint8Array {
  const bytes = new Uint8Array(4 + length).fill(0xee);
  new DataView(bytes.buffer).setUint32(0, ((kind << 28) | length) >>> 0);
  return bytes;
}

describe('FrameProgress', () => {
  test('knows after every chunk whether a frame is half-received, for any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 11 }), fc.integer({ min: 0, max: 300 })), {
          maxLength: 20,
        }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 50 }),
        (frames, cuts) => {
          const stream = new Uint8Array(frames.reduce((sum, [, length]) => sum + 4 + length, 0));
          const boundaries = new Set<number>([0]);
          let at = 0;
          for (const [kind, length] of frames) {
            stream.set(frame(kind, length), at);
            at += 4 + length;
            boundaries.add(at);
          }
          const progress = new FrameProgress();
          const chunks: { start: number; end: number; time: number }[] = [];
          let offset = 0;
          let now = 1000;
          for (let i = 0; offset < stream.length; i++) {
            const end = Math.min(stream.length, offset + cuts[i % cuts.length]);
            now += 10;
            chunks.push({ start: offset, end, time: now });
            const elapsed = progress.advance(stream.subarray(offset, end), now);
            offset = end;
            expect(progress.inFrame).toBe(!boundaries.has(offset));
            if (!progress.inFrame) {
              expect(elapsed).toBe(0);
              continue;
            }
            // The frame in progress began at the last boundary before `offset`; its clock started
            // when the chunk holding that first byte arrived.
            const frameStart = Math.max(...[...boundaries].filter((b) => b < offset));
            const first = chunks.find((chunk) => chunk.start <= frameStart && frameStart < chunk.end)!;
            expect(elapsed).toBe(now - first.time);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('measures how long the current frame has been arriving, minus paused time', () => {
    const progress = new FrameProgress();
    const bytes = frame(4, 10);
    expect(progress.advance(bytes.subarray(0, 2), 1000)).toBe(0);
    expect(progress.advance(bytes.subarray(2, 6), 1300)).toBe(300);
    progress.pause(1400);
    progress.resume(5400);
    expect(progress.advance(bytes.subarray(6, 8), 5500)).toBe(500);
    // The frame completes and the next one starts in the same chunk: its clock starts now.
    const next = frame(4, 3);
    const joined = new Uint8Array([...bytes.subarray(8), ...next.subarray(0, 2)]);
    expect(progress.advance(joined, 6000)).toBe(0);
    expect(progress.advance(next.subarray(2, 4), 6250)).toBe(250);
    expect(progress.advance(next.subarray(4), 7000)).toBe(0);
  });
});
