import { concat } from '@bp/test-kit/bytes';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  createClientSession,
  createServerSession,
  encodeFrame,
  encodeMessageFrame,
  encodeRequestFrame,
  encodeWelcome,
  isSessionError,
} from '../src/index.js';
import { helloFor, RecordingTransport, T, testProtocol } from './fixtures.js';

/** Frames that are valid on their own, mixed with garbage, to reach deeper states. */
const piece = fc.oneof(
  fc.uint8Array({ maxLength: 24 }),
  fc
    .record({ kind: fc.integer({ min: 0, max: 15 }), body: fc.uint8Array({ maxLength: 24 }) })
    .map(({ kind, body }) => encodeFrame(kind, body)),
  fc.integer({ min: 0, max: 1000 }).map((n) => encodeMessageFrame(testProtocol, T.TICK, { n })),
  fc.string({ maxLength: 10 }).map((text) => encodeMessageFrame(testProtocol, T.NOTE, { text })),
  fc
    .tuple(fc.integer({ min: 0, max: 5 }), fc.integer(), fc.integer())
    .map(([id, a, b]) => encodeRequestFrame(testProtocol, id, T.ADD, { a: a | 0, b: b | 0 })),
);

function chunked(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes.length === 0 ? bytes.length : sizes[i % sizes.length]);
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

describe('sessions fed arbitrary bytes', () => {
  test('an open server session either stays open or closes with a typed error; receive() never throws', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 5 }),
        async (pieces, sizes) => {
          const transport = new RecordingTransport();
          const session = createServerSession({
            protocol: testProtocol,
            transport,
            limits: { maxPayloadSize: 256 },
            handlers: { [T.ADD]: ({ a, b }) => ({ sum: (a + b) | 0 }) },
            onHandlerError: () => {},
          });
          let closedWith: unknown = 'open';
          session.onClose((error) => {
            closedWith = error;
          });
          session.receive(helloFor(testProtocol, { maxPayloadSize: 256 }));
          await session.ready;
          for (const chunk of chunked(concat(pieces), sizes)) session.receive(chunk);
          await Promise.resolve();
          if (session.state === 'closed') {
            // A GOODBYE in the input closes gracefully (no error); anything else with a typed error.
            if (closedWith !== undefined) expect(isSessionError(closedWith)).toBe(true);
            expect(transport.ended || transport.destroyed).toBe(true);
          } else {
            expect(closedWith).toBe('open');
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('handshaking sessions on both sides survive any bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 6 }), fc.boolean(), async (pieces, asClient) => {
        const transport = new RecordingTransport();
        const session = asClient
          ? createClientSession({ protocol: testProtocol, transport })
          : createServerSession({ protocol: testProtocol, transport });
        const bytes = concat(
          asClient
            ? [
                encodeWelcome({ version: 1, maxPayloadSize: 64, heartbeatInterval: 0, maxInFlight: 0 }),
                ...pieces,
              ]
            : pieces,
        );
        let opened = false;
        session.ready.then(
          () => {
            opened = true;
          },
          () => {},
        );
        session.receive(bytes);
        await Promise.resolve();
        await Promise.resolve();
        expect(['handshaking', 'open', 'closed']).toContain(session.state);
        if (session.state === 'closed' && !opened)
          await expect(session.ready).rejects.toSatisfy(isSessionError);
        await session.close({ deadline: 1 });
      }),
      { numRuns: 200 },
    );
  });
});
