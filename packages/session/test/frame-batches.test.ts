import { concat } from '@bp/test-kit/bytes';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { forEachBatch, MAX_BATCH_BYTES } from '../src/frame-batches.js';

/** A frame with a valid header (kind 4, body of `size` bytes filled with `fill`). */
function frame(size: number, fill: number): Uint8Array {
  const bytes = new Uint8Array(4 + size).fill(fill);
  new DataView(bytes.buffer).setUint32(0, (0x4 << 28) | size);
  return bytes;
}

test('splits a flush into whole-frame messages of at most 64 KiB (or one bigger frame), as views', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 60_000, max: 140_000 })), {
        minLength: 1,
        maxLength: 30,
      }),
      (sizes) => {
        const frames = sizes.map((size, index) => frame(size, index & 0xff));
        const chunk = concat(frames);
        const batches: Uint8Array[] = [];
        forEachBatch(chunk, (batch) => batches.push(batch));
        // Nothing lost, nothing reordered, no copies.
        expect(Buffer.compare(concat(batches), chunk)).toBe(0);
        for (const batch of batches) expect(batch.buffer).toBe(chunk.buffer);
        // Every batch is whole frames; several frames only within the limit.
        let frameIndex = 0;
        for (const batch of batches) {
          let at = 0;
          let count = 0;
          while (at < batch.length) {
            expect(frameIndex).toBeLessThan(frames.length);
            at += frames[frameIndex++]!.length;
            count++;
          }
          expect(at).toBe(batch.length);
          if (count > 1) expect(batch.length).toBeLessThanOrEqual(MAX_BATCH_BYTES);
        }
        expect(frameIndex).toBe(frames.length);
        // Small flushes stay one message.
        if (chunk.length <= MAX_BATCH_BYTES) expect(batches).toHaveLength(1);
      },
    ),
    { numRuns: 60 },
  );
});
