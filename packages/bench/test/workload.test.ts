import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/prng.js';
import { drawSize, formatSizeDistribution, parseSizeDistribution } from '../src/size-distribution.js';
import {
  blobValue,
  fixed4Value,
  isBlobValue,
  isEcho,
  isFixed4Value,
  isSensorValue,
  sensorValue,
} from '../src/workload/messages.js';
import { StreamChecker } from '../src/workload/stream-checker.js';

describe('createRandom', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const c = createRandom(8);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, c)).not.toEqual(first);
    for (const v of first) expect(v >= 0 && v < 1).toBe(true);
  });
});

describe('size distributions', () => {
  it('parses each spelling and writes it back', () => {
    for (const text of ['fixed:256', 'uniform:16:4096', 'lognormal:256:1.2', 'exponential:512']) {
      expect(formatSizeDistribution(parseSizeDistribution(text))).toBe(text);
    }
  });

  it('names what is wrong', () => {
    expect(() => parseSizeDistribution('gauss:1')).toThrow(/unknown kind/);
    expect(() => parseSizeDistribution('fixed:0')).toThrow(/positive/);
    expect(() => parseSizeDistribution('uniform:9:3')).toThrow(/min above max/);
    expect(() => parseSizeDistribution('lognormal:256')).toThrow(/takes 2/);
  });

  it('draws within [1, max] and within uniform bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 100_000 }), (seed, max) => {
        const random = createRandom(seed);
        for (const text of ['uniform:16:4096', 'lognormal:256:1.5', 'exponential:512', 'fixed:300']) {
          const size = drawSize(parseSizeDistribution(text), random, max);
          if (!(Number.isInteger(size) && size >= 1 && size <= max)) return false;
        }
        const u = drawSize(parseSizeDistribution('uniform:16:64'), random, 1000);
        return u >= 16 && u <= 64;
      }),
      { numRuns: 200 },
    );
  });

  it('lognormal draws have the requested median', () => {
    const random = createRandom(3);
    const dist = parseSizeDistribution('lognormal:256:1');
    const sizes = Array.from({ length: 4001 }, () => drawSize(dist, random, 1 << 30)).sort((a, b) => a - b);
    const med = sizes[2000]!;
    expect(med).toBeGreaterThan(230);
    expect(med).toBeLessThan(285);
  });
});

describe('message checks', () => {
  it('accepts stream message i at position i only', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 2 }), (i) => {
        const roundTrip = (v: object) => JSON.parse(JSON.stringify(v));
        return (
          isSensorValue(roundTrip(sensorValue(i)), i) &&
          isFixed4Value(roundTrip(fixed4Value(i)), i) &&
          !isFixed4Value(fixed4Value(i), i + 1)
        );
      }),
      { numRuns: 300 },
    );
    expect(isSensorValue(sensorValue(70_000), 70_001)).toBe(false);
  });

  it('sensor values survive a 32-bit float round trip', () => {
    const f32 = new Float32Array(4);
    for (const i of [0, 1, 99, 65_535, 65_536, 1_000_003, 2 ** 32 - 1]) {
      const v = sensorValue(i);
      f32.set([v.x, v.y, v.z, v.w]);
      expect(isSensorValue({ x: f32[0]!, y: f32[1]!, z: f32[2]!, w: f32[3]! }, i)).toBe(true);
    }
  });

  it('detects a changed blob byte and a changed echo', () => {
    const blob = blobValue(5, 1000);
    expect(isBlobValue(blob)).toBe(true);
    expect(isEcho('blob', blob, { seq: 5, data: blob.data.slice() })).toBe(true);
    const broken = { seq: 5, data: blob.data.slice() };
    broken.data[999] ^= 1;
    expect(isBlobValue(broken)).toBe(false);
    expect(isEcho('blob', blob, broken)).toBe(false);
    expect(isEcho('sensor', sensorValue(3), { ...sensorValue(3), w: 1 })).toBe(false);
    expect(isEcho('fixed4', fixed4Value(3), null)).toBe(false);
  });
});

describe('StreamChecker', () => {
  it('counts messages, errors and bytes, and restarts on report', () => {
    const checker = new StreamChecker();
    checker.accept('sensor', sensorValue(0), 21);
    checker.accept('sensor', sensorValue(1), 21);
    checker.accept('sensor', sensorValue(5), 21); // position 2: wrong value
    checker.accept('fixed4', fixed4Value(0), 9);
    expect(checker.report()).toEqual({ received: 4, errors: 1, bytes: 72 });
    checker.accept('sensor', sensorValue(0));
    expect(checker.report()).toEqual({ received: 1, errors: 0, bytes: 0 });
  });

  it('uses an explicit position when the transport does not keep order', () => {
    const checker = new StreamChecker();
    checker.accept('fixed4', fixed4Value(7), 0, 7);
    checker.accept('fixed4', fixed4Value(3), 0, 3);
    checker.accept('fixed4', fixed4Value(3), 0, 4);
    expect(checker.report()).toMatchObject({ received: 3, errors: 1 });
  });
});
