import { describe, expect, test } from 'vitest';
import { createServerSession } from '../src/index.js';
import { resolveLimits } from '../src/limits.js';
import { RecordingTransport, testProtocol } from './fixtures.js';

const defaults = { maxPayloadSize: 1 << 20, connectTimeout: 30_000, readTimeout: 30_000 };

describe('lowWaterMark (formerly lowWatermark)', () => {
  test('the new name sets where drained() resolves; the resolved limits carry both names, equal', () => {
    const limits = resolveLimits(defaults, { maxQueuedBytes: 16_384, lowWaterMark: 1000 });
    expect(limits.lowWaterMark).toBe(1000);
    expect(limits.lowWatermark).toBe(1000);
  });

  test('the deprecated name still works, and the new one wins when both are given', () => {
    expect(resolveLimits(defaults, { lowWatermark: 123 }).lowWaterMark).toBe(123);
    expect(resolveLimits(defaults, { lowWatermark: 123, lowWaterMark: 456 }).lowWaterMark).toBe(456);
  });

  test('the default is a quarter of maxQueuedBytes', () => {
    expect(resolveLimits(defaults, { maxQueuedBytes: 40_000 }).lowWaterMark).toBe(10_000);
  });

  test('a session checks it against maxQueuedBytes, by the new name', () => {
    const create = (limits: object) =>
      createServerSession({ protocol: testProtocol, transport: new RecordingTransport(), limits });
    expect(() => create({ maxQueuedBytes: 1024, lowWaterMark: 2048 })).toThrow(
      /lowWaterMark must not exceed/,
    );
    expect(() => create({ maxQueuedBytes: 1024, lowWatermark: 2048 })).toThrow(
      /lowWaterMark must not exceed/,
    );
  });
});
