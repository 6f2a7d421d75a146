import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  readCredit,
  INITIAL_CREDIT as SERVER_INITIAL_CREDIT,
} from '../../transport-node/src/websocket-flow-control.js';
import { creditFrame, INITIAL_CREDIT, ReceiveWindow } from '../src/flow-control.js';

test('CREDIT frames written by the client are read by the server endpoint', () => {
  expect(INITIAL_CREDIT).toBe(SERVER_INITIAL_CREDIT);
  expect([...creditFrame(0x01020304)]).toEqual([0xf0, 0, 0, 4, 1, 2, 3, 4]);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
      expect(readCredit(creditFrame(n))).toBe(n);
    }),
    { numRuns: 200 },
  );
  // Anything that is not exactly a CREDIT frame is data.
  expect(readCredit(new Uint8Array([0xf0, 0, 0, 4, 1, 2, 3]))).toBe(-1);
  expect(readCredit(new Uint8Array([0x40, 0, 0, 4, 1, 2, 3, 4]))).toBe(-1);
  expect(readCredit(new Uint8Array([0xf0, 0, 0, 5, 1, 2, 3, 4]))).toBe(-1);
});

/**
 * The server of PROTOCOL.md 14.4 against the client's ReceiveWindow, message by message: the
 * server sends while sent < granted; the page consumes in arbitrary bursts. The window must never
 * deadlock, and what is in flight or unconsumed never exceeds the window plus one message.
 */
test('the receive window never deadlocks and bounds what the page holds', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1 << 20 }),
      fc.array(fc.integer({ min: 1, max: 300_000 }), { minLength: 1, maxLength: 200 }),
      fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
      (window, messages, bursts) => {
        const receiver = new ReceiveWindow(window);
        const effective = Math.max(window, INITIAL_CREDIT);
        let granted = INITIAL_CREDIT + receiver.initialGrant();
        let sent = 0;
        let consumed = 0;
        const inFlight: number[] = [];
        let next = 0;
        let burst = 0;
        for (let steps = 0; steps < 100_000 && consumed < messages.reduce((a, b) => a + b, 0); steps++) {
          // The server sends everything its credit allows.
          while (next < messages.length && sent < granted) {
            inFlight.push(messages[next]!);
            sent += messages[next++]!;
          }
          const largest = Math.max(...messages);
          expect(sent - consumed).toBeLessThanOrEqual(effective + largest);
          // Deadlock check: if the server is stuck, the page must have something to consume.
          expect(inFlight.length > 0 || next === messages.length).toBe(true);
          // The page consumes a burst of messages, granting as it goes.
          for (let i = 0; i < bursts[burst % bursts.length]! && inFlight.length > 0; i++) {
            const size = inFlight.shift()!;
            consumed += size;
            const grant = receiver.consumed(size);
            expect(grant).toBeGreaterThanOrEqual(0);
            expect(grant).toBeLessThanOrEqual(0xffffffff);
            granted += grant;
          }
          burst++;
        }
        expect(next).toBe(messages.length);
        expect(consumed).toBe(sent);
      },
    ),
    { numRuns: 200 },
  );
});
