import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createClientSession, createServerSession } from '../src/index.js';
import { encodeWelcome } from '../src/wire/index.js';
import { connect, helloFor, RecordingTransport, T, testProtocol } from './fixtures.js';

describe('session properties', () => {
  test('any chunking of what one session wrote is read back as the same messages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string({ maxLength: 300 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
        async (items, sizes) => {
          const out = new RecordingTransport();
          const sender = createClientSession({ protocol: testProtocol, transport: out });
          sender.receive(
            encodeWelcome({ version: 1, maxPayloadSize: 1 << 20, heartbeatInterval: 0, maxInFlight: 0 }),
          );
          await sender.ready;
          out.chunks.length = 0;
          for (const item of items) {
            if (typeof item === 'string') sender.send(T.NOTE, { text: item });
            else sender.send(T.TICK, { n: item });
          }
          sender.flush();
          const bytes = out.chunks[0];

          const receiver = createServerSession({
            protocol: testProtocol,
            transport: new RecordingTransport(),
          });
          receiver.receive(helloFor(testProtocol));
          await receiver.ready;
          const seen: (string | number)[] = [];
          receiver.on(T.NOTE, ({ text }) => seen.push(text));
          receiver.on(T.TICK, ({ n }) => seen.push(n));
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const size = sizes[i % sizes.length];
            receiver.receive(bytes.subarray(at, at + size));
            at += size;
          }
          expect(seen).toEqual(items);
          expect(receiver.state).toBe('open');
        },
      ),
      { numRuns: 100 },
    );
  });

  test('requests answered in any order and at any time each get their own reply', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -1000, max: 1000 })), {
          minLength: 1,
          maxLength: 30,
        }),
        async (s, pairs) => {
          const { client } = connect({
            protocol: testProtocol,
            server: {
              handlers: {
                // Each answer is released by the scheduler, in an order fast-check picks.
                [T.ADD]: ({ a, b }) => s.schedule(Promise.resolve({ sum: a + b })),
              },
            },
          });
          await client.ready;
          const replies = pairs.map(([a, b]) => client.request(T.ADD, { a, b }));
          await s.waitFor(Promise.all(replies));
          expect(await Promise.all(replies)).toEqual(pairs.map(([a, b]) => ({ sum: a + b })));
          await client.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
