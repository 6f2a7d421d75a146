/**
 * Payloads of fixed-size types that fill their frame exactly are decoded with the codec's
 * `decode` (no result object per message); every other length takes `decodeFrom` and its errors.
 * Both must deliver the same values and refuse the same frames.
 */
import { array, ProtocolConfig, struct, u8, u32 } from '@bp/codec';
import { describe, expect, test } from 'vitest';
import type { SessionProtocol } from '../src/index.js';
import { decodeErrorFrame, encodeMessageFrame, FrameKind } from '../src/wire/index.js';
import { openRawServer } from './fixtures.js';

const protocol = new ProtocolConfig({
  messageStructures: { 1: struct({ n: u32 }), 2: struct({ quad: array(u8, { length: 4 }) }) },
  decodeLimits: { maxElements: 3 },
});

/** A MESSAGE frame of `type` whose payload is `delta` bytes longer (or shorter) than encoded. */
function resized(type: 1 | 2, value: object, delta: number): Uint8Array {
  const frame = encodeMessageFrame(protocol, type, value as never);
  const body = frame.length - 4 + delta;
  const out = new Uint8Array(frame.length + delta);
  out.set(frame.subarray(0, Math.min(frame.length, out.length)));
  out[0] = (FrameKind.MESSAGE << 4) | (body >>> 24);
  out[1] = body >>> 16;
  out[2] = body >>> 8;
  out[3] = body;
  return out;
}

async function refusal(p: SessionProtocol, frame: Uint8Array) {
  const { session, transport } = await openRawServer(p as ProtocolConfig);
  session.receive(frame);
  const [error] = transport.take();
  expect(error.kind).toBe(FrameKind.ERROR);
  expect(session.state).toBe('closed');
  return decodeErrorFrame(error.body, 0, error.body.length);
}

describe('fixed-size payloads', () => {
  test('reach their handler decoded, values at the edges of the range included', async () => {
    const { session } = await openRawServer(protocol);
    const seen: number[] = [];
    session.on(1, ({ n }) => seen.push(n));
    for (const n of [0, 1, 0x7fffffff, 0xffffffff]) session.receive(encodeMessageFrame(protocol, 1, { n }));
    expect(seen).toEqual([0, 1, 0x7fffffff, 0xffffffff]);
  });

  test('a byte more than the fixed size is refused, naming the bytes left', async () => {
    const error = await refusal(protocol, resized(1, { n: 7 }, 1));
    expect(error.message).toMatch(/1 bytes left after the payload of type 1/);
  });

  test('a byte less than the fixed size is refused as a decode error', async () => {
    const error = await refusal(protocol, resized(1, { n: 7 }, -1));
    expect(error.message).toMatch(/truncated|needs|short/i);
  });

  test("the protocol's decode limits hold for them too", async () => {
    const error = await refusal(protocol, encodeMessageFrame(protocol, 2, { quad: [1, 2, 3, 4] }));
    expect(error.message).toMatch(/element budget/);
  });

  test('a protocol whose codecs offer only decodeFrom still decodes them', async () => {
    const slim = new Proxy(protocol, {
      get(target, key) {
        if (key === 'codecFor') {
          return (type: number) => {
            const c = target.codecFor(type);
            return {
              fixedSize: c.fixedSize,
              byteLength: (v: never) => c.byteLength(v),
              encodeInto: (v: never, t: Uint8Array, o?: number) => c.encodeInto(v, t, o),
              decodeFrom: (s: Uint8Array, o: number, e: number, l?: object) => c.decodeFrom(s, o, e, l),
            };
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const { session } = await openRawServer(slim);
    const seen: number[] = [];
    session.on(1, ({ n }) => seen.push(n));
    session.receive(encodeMessageFrame(protocol, 1, { n: 42 }));
    expect(seen).toEqual([42]);
    const error = await refusal(slim, resized(1, { n: 7 }, 1));
    expect(error.message).toMatch(/1 bytes left/);
  });
});
