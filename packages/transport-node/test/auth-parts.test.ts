import { describe, expect, test } from 'vitest';
import { ConnectionLimiter } from '../src/connection-limiter.js';
import { FailureThrottle } from '../src/failure-throttle.js';
import { createTokenCheck } from '../src/token-check.js';

describe('createTokenCheck', () => {
  test('accepts exactly the configured tokens', () => {
    const check = createTokenCheck(['secret', 'next-secret']);
    expect(check('secret')).toBe(true);
    expect(check('next-secret')).toBe(true);
    for (const wrong of ['', 'Secret', 'secret ', 'secre', 'secretx', undefined])
      expect(check(wrong)).toBe(false);
  });

  test('rejects empty configuration', () => {
    expect(() => createTokenCheck('')).toThrow(TypeError);
    expect(() => createTokenCheck([])).toThrow(TypeError);
  });
});

describe('FailureThrottle', () => {
  test('doubles the delay per failure up to the cap, per address', () => {
    const throttle = new FailureThrottle({ baseDelay: 10, maxDelay: 50, forgetAfter: 1000 });
    expect([1, 2, 3, 4].map(() => throttle.recordFailure('a', 0))).toEqual([10, 20, 40, 50]);
    expect(throttle.recordFailure('b', 0)).toBe(10);
    expect(throttle.failures('a', 500)).toBe(4);
  });

  test('forgets after the quiet period and on success', () => {
    const throttle = new FailureThrottle({ baseDelay: 10, forgetAfter: 1000 });
    throttle.recordFailure('a', 0);
    throttle.recordFailure('a', 0);
    expect(throttle.failures('a', 1001)).toBe(0);
    throttle.recordFailure('b', 0);
    throttle.forget('b');
    expect(throttle.failures('b', 1)).toBe(0);
  });

  test('tracks a bounded number of addresses', () => {
    const throttle = new FailureThrottle({ maxTrackedAddresses: 3 });
    for (const address of ['a', 'b', 'c', 'd']) throttle.recordFailure(address, 0);
    expect(throttle.failures('a', 0)).toBe(0);
    expect(throttle.failures('d', 0)).toBe(1);
  });
});

describe('ConnectionLimiter', () => {
  test('enforces the total and the per-address limits and frees on release', () => {
    const limiter = new ConnectionLimiter(3, 2);
    expect(limiter.admit('a')).toBe('ok');
    expect(limiter.admit('a')).toBe('ok');
    expect(limiter.admit('a')).toBe('per-address');
    expect(limiter.admit('b')).toBe('ok');
    expect(limiter.admit('c')).toBe('total');
    limiter.release('a');
    expect(limiter.total).toBe(2);
    expect(limiter.admit('c')).toBe('ok');
    expect(limiter.countFor('a')).toBe(1);
    limiter.release('unknown');
    expect(limiter.total).toBe(3);
  });
});
