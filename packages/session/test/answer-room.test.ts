// Answers to the peer's requests wait for room while the outgoing queue is at maxQueuedBytes
// (request-table.ts): they are held, in order, instead of growing the queue to maxBufferedBytes,
// where the session closes as if the peer read too slowly.
import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../src/index.js';
import { decodeErrorFrame, encodeRequestFrame, encodeU32Frame, FrameKind } from '../src/wire/index.js';
import { openRawServer, readU32ForTest, settle, T, testProtocol } from './fixtures.js';

const LIMITS = { maxQueuedBytes: 4096, lowWaterMark: 1024, maxBufferedBytes: 16 * 1024 };
const text = 'x'.repeat(1000);

/** A server whose transport takes nothing more after its first write, with ECHO answered at once. */
async function blockedServer(maxInFlightRequests = 1024) {
  const opened = await openRawServer(testProtocol, {
    limits: { ...LIMITS, maxInFlightRequests },
    handlers: { [T.ECHO]: ({ text }) => ({ text }) },
  });
  opened.transport.accept = false;
  return opened;
}

/** The request ids of the RESPONSE frames written, in order. */
function answered(frames: { kind: number; body: Uint8Array }[]): number[] {
  return frames
    .filter((frame) => frame.kind === FrameKind.RESPONSE)
    .map((frame) => readU32ForTest(frame.body, 0));
}

describe('answers wait for room in the outgoing queue', () => {
  test('far more answers than maxBufferedBytes holds go out in order once the peer reads; the session stays open', async () => {
    const { session, transport } = await blockedServer();
    // 100 answers of ~1 KB: 100 KB, six times maxBufferedBytes.
    for (let id = 1; id <= 100; id++)
      session.receive(encodeRequestFrame(testProtocol, id, T.ECHO, { text, delay: 0 }));
    await settle();
    expect(session.state).toBe('open');
    expect(session.queuedBytes).toBeLessThan(LIMITS.maxQueuedBytes + 2048);
    const ids: number[] = answered(transport.take());
    transport.accept = true;
    for (let turn = 0; turn < 200 && ids.length < 100; turn++) {
      session.transportDrained();
      await settle(1);
      ids.push(...answered(transport.take()));
    }
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(session.state).toBe('open');
  });

  test('an answer that waits counts against maxInFlightRequests', async () => {
    const { session, transport } = await blockedServer(8);
    for (let id = 1; id <= 20; id++)
      session.receive(encodeRequestFrame(testProtocol, id, T.ECHO, { text, delay: 0 }));
    await settle();
    const frames = transport.take();
    transport.accept = true;
    for (let turn = 0; turn < 50; turn++) {
      session.transportDrained();
      await settle(1);
      frames.push(...transport.take());
    }
    const refused = frames
      .filter((frame) => frame.kind === FrameKind.ERROR)
      .map((frame) => decodeErrorFrame(frame.body, 0, frame.body.length));
    // The first few went to the transport; of the rest, 8 waited and the others were refused.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((error) => error.code === ErrorCode['too-many-in-flight'])).toBe(true);
    expect(answered(frames).length + refused.length).toBe(20);
    expect(session.state).toBe('open');
  });

  test('a CANCEL drops a waiting answer; the close drops them all without writing', async () => {
    const { session, transport } = await blockedServer();
    for (let id = 1; id <= 30; id++)
      session.receive(encodeRequestFrame(testProtocol, id, T.ECHO, { text, delay: 0 }));
    await settle();
    const early = answered(transport.take());
    expect(early.length).toBeLessThan(30);
    session.receive(encodeU32Frame(FrameKind.CANCEL, 30));
    transport.accept = true;
    const ids = [...early];
    for (let turn = 0; turn < 100 && !ids.includes(29); turn++) {
      session.transportDrained();
      await settle(1);
      ids.push(...answered(transport.take()));
    }
    expect(ids).toEqual(Array.from({ length: 29 }, (_, i) => i + 1));

    transport.accept = false;
    for (let id = 31; id <= 60; id++)
      session.receive(encodeRequestFrame(testProtocol, id, T.ECHO, { text, delay: 0 }));
    await settle();
    transport.take();
    await session.close({ deadline: 20 });
    await settle();
    expect(session.state).toBe('closed');
    // What was queued before the close is handed over; the answers that waited are not written.
    const late = answered(transport.take());
    expect(late.length).toBeGreaterThan(0);
    expect(late.length).toBeLessThan(30);
  });
});
