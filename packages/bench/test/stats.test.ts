import { describe, expect, it } from 'vitest';
import {
  histogramBinEdges,
  latencyPercentiles,
  logHistogram,
  median,
  pairedRatio,
  percentileOfSorted,
  summarize,
  tQuantile975,
} from '../src/stats.js';

describe('percentileOfSorted', () => {
  it('interpolates between closest ranks like numpy', () => {
    const values = [1, 2, 3, 4];
    expect(percentileOfSorted(values, 0)).toBe(1);
    expect(percentileOfSorted(values, 100)).toBe(4);
    expect(percentileOfSorted(values, 50)).toBe(2.5);
    // rank = 0.9 * 3 = 2.7 -> 3 + 0.7 * (4 - 3)
    expect(percentileOfSorted(values, 90)).toBeCloseTo(3.7, 12);
  });

  it('rejects empty input and out-of-range percentiles', () => {
    expect(() => percentileOfSorted([], 50)).toThrow(RangeError);
    expect(() => percentileOfSorted([1], 101)).toThrow(RangeError);
    expect(() => percentileOfSorted([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('median', () => {
  it('does not depend on input order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([10, 2, 4, 8])).toBe(6);
  });
});

describe('summarize', () => {
  it('computes the figures of a known sample', () => {
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.n).toBe(8);
    expect(s.mean).toBe(5);
    expect(s.median).toBe(4.5);
    expect(s.min).toBe(2);
    expect(s.max).toBe(9);
    // sample variance: sum of squares 32 / 7
    expect(s.stddev).toBeCloseTo(Math.sqrt(32 / 7), 12);
    const half = (2.365 * Math.sqrt(32 / 7)) / Math.sqrt(8);
    expect(s.ci95[0]).toBeCloseTo(5 - half, 10);
    expect(s.ci95[1]).toBeCloseTo(5 + half, 10);
    expect(s.relSpread).toBeCloseTo(7 / 4.5, 12);
  });

  it('gives a zero-width interval for one sample', () => {
    const s = summarize([42]);
    expect(s).toMatchObject({ n: 1, median: 42, mean: 42, stddev: 0, ci95: [42, 42], relSpread: 0 });
  });

  it('rejects empty and non-finite samples', () => {
    expect(() => summarize([])).toThrow(RangeError);
    expect(() => summarize([1, Number.POSITIVE_INFINITY])).toThrow(/not finite/);
  });
});

describe('tQuantile975', () => {
  it('matches the table for small df and tends to 1.96', () => {
    expect(tQuantile975(1)).toBe(12.706);
    expect(tQuantile975(2)).toBe(4.303);
    expect(tQuantile975(30)).toBe(2.042);
    expect(tQuantile975(1000)).toBeCloseTo(1.96, 2);
    expect(() => tQuantile975(0)).toThrow(RangeError);
  });
});

describe('latencyPercentiles', () => {
  it('reports p50, p95, p99, max and mean of 1..100', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    const p = latencyPercentiles(values);
    expect(p.p50).toBeCloseTo(50.5, 12);
    expect(p.p95).toBeCloseTo(95.05, 12);
    expect(p.p99).toBeCloseTo(99.01, 12);
    expect(p.max).toBe(100);
    expect(p.mean).toBe(50.5);
  });
});

describe('logHistogram', () => {
  it('bins by decade fraction and keeps the total', () => {
    const h = logHistogram([0.5, 1, 9.99, 10, 100, 150], 1, 1);
    expect(h.counts).toEqual([3, 1, 2]);
    expect(h.underflow).toBe(1);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(6);
    const [low, high] = histogramBinEdges(h, 2);
    expect(low).toBeCloseTo(100, 9);
    expect(high).toBeCloseTo(1000, 9);
  });

  it('puts exact bin edges in the upper bin', () => {
    const h = logHistogram([10, 100], 1, 20);
    expect(h.counts[20]).toBe(1);
    expect(h.counts[40]).toBe(1);
  });
});

describe('pairedRatio', () => {
  it('takes the median of per-repetition ratios', () => {
    const r = pairedRatio([10, 30, 20], [5, 10, 20]);
    expect(r).toEqual({ median: 2, min: 1, max: 3, n: 3 });
  });

  it('pairs only as many as the shorter list and refuses a zero denominator', () => {
    expect(pairedRatio([4, 8, 100], [2, 4]).n).toBe(2);
    expect(() => pairedRatio([1], [0])).toThrow(RangeError);
    expect(() => pairedRatio([], [1])).toThrow(RangeError);
  });
});
