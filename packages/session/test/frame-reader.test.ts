import { concat, cut } from '@bp/test-kit/bytes';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { sharedFrameLimits, sharedFrameLimitsKey } from '../src/frame-reader.js';
import { isSessionError } from '../src/index.js';
import { createFrameLimits, encodeFrame, type FrameLimits, FrameReader, NOT_NOW } from '../src/wire/index.js';

interface Seen {
  kind: number;
  body: number[];
  source: Uint8Array;
  start: number;
}

function openLimits(maxBody = 1024): FrameLimits {
  const limits = createFrameLimits();
  for (let kind = 1; kind <= 11; kind++) {
    limits.min[kind] = 0;
    limits.max[kind] = maxBody;
  }
  return limits;
}

function read(chunks: Uint8Array[], limits = openLimits(), allocate?: (n: number) => Uint8Array) {
  const frames: Seen[] = [];
  const reader = new FrameReader(
    {
      onFrame(kind, source, start, end) {
        frames.push({ kind, body: [...source.subarray(start, end)], source, start });
      },
    },
    limits,
    allocate === undefined ? {} : { allocate },
  );
  let error: unknown;
  try {
    for (const chunk of chunks) reader.push(chunk);
  } catch (e) {
    error = e;
  }
  return { frames, error, reader };
}

const frameArb = fc.record({
  kind: fc.integer({ min: 1, max: 11 }),
  body: fc.uint8Array({ maxLength: 80 }),
});

describe('FrameReader', () => {
  test('any chunking of a stream of valid frames yields the same frames', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (frames, points) => {
          const stream = concat(frames.map((f) => encodeFrame(f.kind, f.body)));
          const expected = frames.map((f) => ({ kind: f.kind, body: [...f.body] }));
          const whole = read([stream]);
          const pieces = read(cut(stream, points));
          const bytewise = read([...stream].map((b) => Uint8Array.of(b)));
          for (const result of [whole, pieces, bytewise]) {
            expect(result.error).toBeUndefined();
            expect(result.frames.map(({ kind, body }) => ({ kind, body }))).toEqual(expected);
            expect(result.reader.bufferedBytes).toBe(0);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('inFrame is true exactly when the bytes so far end inside a frame', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.nat(),
        (frames, points, stop) => {
          const encoded = frames.map((f) => encodeFrame(f.kind, f.body));
          const stream = concat(encoded);
          const prefix = stream.subarray(0, stop % (stream.length + 1));
          const boundaries = new Set([0]);
          let at = 0;
          for (const frame of encoded) boundaries.add((at += frame.length));
          const { reader, error } = read(cut(prefix, points));
          expect(error).toBeUndefined();
          expect(reader.inFrame).toBe(!boundaries.has(prefix.length));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a header whose body has not started yet is in a frame (its buffer is already held)', () => {
    const frame = encodeFrame(4, new Uint8Array(100));
    const { reader } = read([frame.subarray(0, 4)]);
    expect(reader.bufferedBytes).toBe(0);
    expect(reader.inFrame).toBe(true);
  });

  test('frames inside one chunk are views of that chunk (no copy)', () => {
    const stream = concat([
      encodeFrame(4, Uint8Array.of(1, 2, 3)),
      encodeFrame(8, Uint8Array.of(0, 0, 0, 7)),
    ]);
    const { frames } = read([stream]);
    expect(frames).toHaveLength(2);
    for (const frame of frames) expect(frame.source).toBe(stream);
    expect(frames[1].start).toBe(11);
  });

  test('any byte input gives frames or a typed error, never a crash or a hang', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (bytes, points) => {
          const { error, frames } = read(cut(bytes, points), openLimits(64));
          if (error !== undefined) {
            expect(isSessionError(error)).toBe(true);
            expect(['malformed-frame', 'payload-too-large']).toContain((error as { code: string }).code);
            expect((error as { offset: number }).offset).toBeGreaterThanOrEqual(0);
          }
          let consumed = 0;
          for (const f of frames) consumed += 4 + f.body.length;
          expect(consumed).toBeLessThanOrEqual(bytes.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('the declared-length check fires on the header, before anything is allocated', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 11 }),
        fc.integer({ min: 65, max: 0x0fffffff }),
        fc.integer({ min: 1, max: 4 }),
        (kind, length, split) => {
          const allocations: number[] = [];
          const header = Uint8Array.of((kind << 4) | (length >>> 24), length >>> 16, length >>> 8, length);
          // Deliver the header in two pieces so the partial-header path is covered too.
          const { error } = read([header.subarray(0, split), header.subarray(split)], openLimits(64), (n) => {
            allocations.push(n);
            return new Uint8Array(n);
          });
          expect((error as { code: string }).code).toBe('payload-too-large');
          expect(allocations).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a frame split across chunks is buffered in exactly its body size', () => {
    const allocations: number[] = [];
    const frame = encodeFrame(4, new Uint8Array(50).fill(9));
    const { frames } = read([frame.subarray(0, 10), frame.subarray(10)], openLimits(), (n) => {
      allocations.push(n);
      return new Uint8Array(n);
    });
    expect(allocations).toEqual([50]);
    expect(frames[0].body).toEqual(new Array(50).fill(9));
  });

  test('minimums, fixed sizes, reserved kinds and kinds not allowed now', () => {
    const limits = openLimits();
    limits.min[8] = 4;
    limits.max[8] = 4;
    limits.min[4] = 2;
    limits.max[1] = NOT_NOW;
    const codeOf = (bytes: number[]) =>
      (read([Uint8Array.from(bytes)], limits).error as { code?: string })?.code;
    expect(codeOf([0x80, 0, 0, 5])).toBe('malformed-frame');
    expect(codeOf([0x40, 0, 0, 1])).toBe('malformed-frame');
    expect(codeOf([0x00, 0, 0, 0])).toBe('malformed-frame');
    expect(codeOf([0xf0, 0, 0, 0])).toBe('malformed-frame');
    expect(codeOf([0x10, 0, 0, 0])).toBe('unexpected-frame');
    expect(codeOf([0x80, 0, 0, 4])).toBeUndefined();
  });

  test('after an error the reader refuses more input; stop() ends delivery mid-chunk', () => {
    const { reader, error } = read([Uint8Array.of(0, 0, 0, 0)]);
    expect(() => reader.push(new Uint8Array(4))).toThrow(error as Error);
    const seen: number[] = [];
    const stopping: FrameReader = new FrameReader(
      {
        onFrame(kind) {
          seen.push(kind);
          stopping.stop();
        },
      },
      openLimits(),
    );
    stopping.push(concat([encodeFrame(4, new Uint8Array(2)), encodeFrame(5, new Uint8Array(6))]));
    expect(seen).toEqual([4]);
  });
});

describe('shared frame-limit tables', () => {
  test('one table per key, made once; tables made without a key have none', () => {
    let made = 0;
    const make = () => {
      made++;
      return createFrameLimits();
    };
    const a = sharedFrameLimits('test:shared-tables', make);
    expect(sharedFrameLimits('test:shared-tables', make)).toBe(a);
    expect(made).toBe(1);
    expect(sharedFrameLimitsKey(a)).toBe('test:shared-tables');
    // No key to extend: a successor of this table must not be shared under '' + step.
    expect(sharedFrameLimitsKey(createFrameLimits())).toBeUndefined();
  });
});
