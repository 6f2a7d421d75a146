import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { backoffDelay, resolveBackoff } from '../../src/client/backoff.js';

describe('reconnect backoff', () => {
  test('grows exponentially to maxDelay; jitter only shortens, within its share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 120_000 }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (initialDelay, extra, factor, jitter, attempt, random) => {
          const backoff = resolveBackoff({ initialDelay, maxDelay: initialDelay + extra, factor, jitter });
          const ceiling = Math.min(backoff.maxDelay, initialDelay * factor ** Math.min(attempt, 64));
          const delay = backoffDelay(backoff, attempt, () => random);
          expect(Number.isFinite(delay)).toBe(true);
          expect(delay).toBeLessThanOrEqual(ceiling);
          expect(delay).toBeGreaterThanOrEqual(ceiling * (1 - jitter) - 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('the default schedule: 250 ms doubling to 30 s, half of it random', () => {
    const backoff = resolveBackoff();
    expect(backoff).toEqual({
      initialDelay: 250,
      maxDelay: 30_000,
      factor: 2,
      jitter: 0.5,
      maxAttempts: Number.POSITIVE_INFINITY,
      stableAfter: 5000,
    });
    const top = (attempt: number) => backoffDelay(backoff, attempt, () => 0);
    expect([0, 1, 2, 3, 10, 1e6].map(top)).toEqual([250, 500, 1000, 2000, 30_000, 30_000]);
    expect(backoffDelay(backoff, 3, () => 0.999_999)).toBeCloseTo(1000, 0);
  });

  test('rejects schedules that make no sense', () => {
    expect(() => resolveBackoff({ initialDelay: -1 })).toThrow(RangeError);
    expect(() => resolveBackoff({ initialDelay: 100, maxDelay: 50 })).toThrow(RangeError);
    expect(resolveBackoff({ initialDelay: 60_000 }).maxDelay).toBe(60_000);
    expect(() => resolveBackoff({ factor: 0.5 })).toThrow(RangeError);
    expect(() => resolveBackoff({ jitter: 2 })).toThrow(RangeError);
    expect(() => resolveBackoff({ maxAttempts: -1 })).toThrow(RangeError);
    expect(() => resolveBackoff({ initialDelay: Number.NaN })).toThrow(RangeError);
  });
});

test('maxAttempts 0 means no retry at all; the jittered waits of a fleet spread over their range', () => {
  expect(resolveBackoff({ maxAttempts: 0 }).maxAttempts).toBe(0);
  const backoff = resolveBackoff({ initialDelay: 400, jitter: 0.5 });
  const delays = Array.from({ length: 200 }, () => backoffDelay(backoff, 0));
  expect(Math.min(...delays)).toBeGreaterThanOrEqual(200);
  expect(Math.max(...delays)).toBeLessThanOrEqual(400);
  // Not all the same instant: that is the point of the jitter.
  expect(new Set(delays.map((delay) => Math.floor(delay / 20))).size).toBeGreaterThan(5);
});
