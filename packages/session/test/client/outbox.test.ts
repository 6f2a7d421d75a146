import fc from 'fast-check';
import { expect, test } from 'vitest';
import { isClientError } from '../../src/client/client-error.js';
import { Outbox, type Pending } from '../../src/client/outbox.js';

function item(size: number): Pending {
  return { kind: 'send', type: 1, value: undefined, size, deadline: 0, signal: undefined };
}

test('any sequence of adds, removes and takes stays within both bounds, and refuses exactly past them', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 8 }),
      fc.integer({ min: 0, max: 500 }),
      fc.array(
        fc.oneof(
          fc.record({ op: fc.constant('add' as const), size: fc.integer({ min: 0, max: 200 }) }),
          fc.record({ op: fc.constant('remove' as const), index: fc.nat() }),
          fc.record({ op: fc.constant('take' as const) }),
        ),
        { maxLength: 60 },
      ),
      (maxMessages, maxBytes, ops) => {
        const outbox = new Outbox({ maxMessages, maxBytes });
        const model: Pending[] = [];
        for (const op of ops) {
          if (op.op === 'add') {
            const next = item(op.size);
            const bytes = model.reduce((sum, queued) => sum + queued.size, 0);
            const fits = model.length < maxMessages && bytes + op.size <= maxBytes;
            let refused: unknown;
            try {
              outbox.add(next);
            } catch (error) {
              refused = error;
            }
            if (fits) {
              expect(refused).toBeUndefined();
              model.push(next);
            } else {
              expect(isClientError(refused)).toBe(true);
              expect(refused).toMatchObject({ code: 'queue-full' });
              expect((refused as Error).message).toContain(
                `limits: ${maxMessages} messages, ${maxBytes} bytes`,
              );
            }
          } else if (op.op === 'remove') {
            const target = model[op.index % Math.max(1, model.length)];
            if (target === undefined) continue;
            expect(outbox.remove(target)).toBe(true);
            expect(outbox.remove(target)).toBe(false);
            model.splice(model.indexOf(target), 1);
          } else {
            expect(outbox.takeAll()).toEqual(model.splice(0));
          }
          expect(outbox.size).toBe(model.length);
          expect(outbox.bytes).toBe(model.reduce((sum, queued) => sum + queued.size, 0));
          expect(outbox.size).toBeLessThanOrEqual(maxMessages);
          expect(outbox.bytes).toBeLessThanOrEqual(maxBytes);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('failAll rejects the queued requests, drops the messages and detaches their timers', () => {
  const outbox = new Outbox({ maxMessages: 10, maxBytes: 100 });
  const rejected: unknown[] = [];
  let cleaned = 0;
  outbox.add(item(1));
  outbox.add({
    ...item(2),
    kind: 'request',
    reject: (error) => rejected.push(error),
    cleanup: () => cleaned++,
  });
  const error = new Error('closed');
  outbox.failAll(error);
  expect(rejected).toEqual([error]);
  expect(cleaned).toBe(1);
  expect([outbox.size, outbox.bytes]).toEqual([0, 0]);
});
