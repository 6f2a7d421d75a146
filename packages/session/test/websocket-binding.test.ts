import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  CREDIT_FRAME_SIZE,
  clientCloseCode,
  closeReason,
  encodeCredit,
  INITIAL_CREDIT,
  isOrderlyClose,
  ReceiveWindow,
  readCredit,
  serverCloseCode,
  WebSocketCloseCode,
} from '../src/wire/index.js';

test('CREDIT frames written by the client are read by the server endpoint', () => {
  expect([...encodeCredit(0x01020304)]).toEqual([0xf0, 0, 0, 4, 1, 2, 3, 4]);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
      expect(readCredit(encodeCredit(n))).toBe(n);
    }),
    { numRuns: 200 },
  );
  // Anything that is not exactly a CREDIT frame is data.
  expect(readCredit(new Uint8Array([0xf0, 0, 0, 4, 1, 2, 3]))).toBe(-1);
  expect(readCredit(new Uint8Array([0x40, 0, 0, 4, 1, 2, 3, 4]))).toBe(-1);
  expect(readCredit(new Uint8Array([0xf0, 0, 0, 5, 1, 2, 3, 4]))).toBe(-1);
});

test('any message is a CREDIT of some amount or data (-1), never a crash', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 16 }), (message) => {
      const credit = readCredit(message);
      if (message.length !== CREDIT_FRAME_SIZE) expect(credit).toBe(-1);
      else expect(credit === -1 || (credit >= 0 && credit <= 0xffffffff)).toBe(true);
    }),
  );
});

test('close codes: server and client map bp codes per PROTOCOL.md 14.5', () => {
  expect(serverCloseCode('malformed-frame')).toBe(1002);
  expect(serverCloseCode('payload-too-large')).toBe(1009);
  expect(serverCloseCode('handler-error')).toBe(1011);
  expect(serverCloseCode(undefined)).toBe(1011);
  expect(clientCloseCode('read-timeout')).toBe(4008);
  expect(clientCloseCode('internal-error')).toBe(4011);
  // Browsers may send only 1000 and 3000-4999: every client code is in that range.
  for (const [name, code] of Object.entries(WebSocketCloseCode)) {
    if (name.startsWith('CLIENT_')) expect(code >= 3000 && code <= 4999).toBe(true);
  }
  expect([1000, 1001, 1006, 1011].map(isOrderlyClose)).toEqual([true, true, false, false]);
});

test('a close reason is at most 123 UTF-8 bytes, cut at a character boundary', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
      const reason = closeReason(text);
      expect(text.startsWith(reason)).toBe(true);
      expect(new TextEncoder().encode(reason).length).toBeLessThanOrEqual(123);
      if (new TextEncoder().encode(text).length <= 123) expect(reason).toBe(text);
    }),
  );
  expect(closeReason('é'.repeat(100))).toBe('é'.repeat(61));
  expect(closeReason(42)).toBe('');
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
