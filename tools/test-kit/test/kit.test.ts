import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { deferred, until } from '../src/async.js';
import { concat, cut } from '../src/bytes.js';
import {
  expectedValue,
  StreamType,
  streamProtocol,
  TransportType,
  transportProtocol,
} from '../src/protocols.js';

describe('bytes', () => {
  test('concat of any cut gives the bytes back, in as many pieces as distinct points + 1', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, points) => {
        const pieces = cut(bytes, points);
        expect(concat(pieces)).toEqual(bytes);
        expect(pieces.length).toBe(new Set(points.map((p) => p % (bytes.length + 1))).size + 1);
      }),
    );
  });
});

describe('async', () => {
  test('deferred settles when told, with the value or the reason given', async () => {
    const ok = deferred<number>();
    ok.resolve(7);
    await expect(ok.promise).resolves.toBe(7);
    const bad = deferred();
    bad.reject(new Error('no'));
    await expect(bad.promise).rejects.toThrow('no');
  });

  test('until resolves once the condition holds and rejects naming what it waited for', async () => {
    let ready = false;
    setTimeout(() => (ready = true), 20);
    await until(() => ready, 'the flag');
    await expect(until(() => false, 'a thing that never happens', 30)).rejects.toThrow(
      /waiting for a thing that never happens/,
    );
  });
});

describe('protocols', () => {
  test('the fixture protocols encode and decode their GET requests', () => {
    const bytes = transportProtocol.encodeMessage(TransportType.GET, { key: 'k' });
    expect(transportProtocol.decodeMessage(bytes)).toEqual({ type: TransportType.GET, value: { key: 'k' } });
    const other = streamProtocol.encodeMessage(StreamType.SUBSCRIBE, { topic: 't' });
    expect(streamProtocol.decodeMessage(other).value).toEqual({ topic: 't' });
    expect(expectedValue('ab')).toBe((97 * 31 + 98) >>> 0);
  });
});
