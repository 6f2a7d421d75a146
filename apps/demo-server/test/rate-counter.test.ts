import { describe, expect, it } from 'vitest';
import { RateCounter } from '../src/dashboard/rate-counter.js';

describe('RateCounter', () => {
  it('reports the average per second over completed seconds of its window', () => {
    const counter = new RateCounter(5);
    const t0 = 1_000_000;
    expect(counter.perSecond(t0)).toBe(0);
    for (let i = 0; i < 10; i++) counter.add(1, t0 + i * 10);
    // The current second is not complete yet.
    expect(counter.perSecond(t0 + 500)).toBe(0);
    expect(counter.perSecond(t0 + 1000)).toBe(10);
    counter.add(30, t0 + 1500);
    expect(counter.perSecond(t0 + 2000)).toBe(20);
    // Old seconds leave the window.
    expect(counter.perSecond(t0 + 10_000)).toBe(0);
  });
});
