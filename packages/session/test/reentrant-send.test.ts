import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ErrorCode, isUsageError, type ServerSessionOptions } from '../src/index.js';
import {
  decodeErrorFrame,
  encodeGoodbye,
  encodeMessage,
  encodeRequestFrame,
  encodeU32Frame,
  FrameKind,
  writeEncodedMessage,
} from '../src/wire/index.js';
import { connect, openRawServer, settle, T, type TestProtocol, testProtocol } from './fixtures.js';

// User code can run while a frame is half written: a getter (or valueOf) of the value being
// encoded. Its bytes are reserved in the outgoing buffer but not written yet, so another frame
// written from there used to land in them (a lost message, or a corrupt stream).

/** A NOTE whose `text` getter runs `during` each time the codec reads it. */
function noteThatRuns(during: () => void): { text: string } {
  return {
    get text() {
      during();
      return 'outer';
    },
  };
}

/** A connected pair; `notes` collects the texts of the NOTE messages the server receives. */
async function openPair(server?: Omit<ServerSessionOptions<TestProtocol>, 'transport' | 'protocol'>) {
  const pair = connect({ protocol: testProtocol, server });
  await pair.client.ready;
  const notes: string[] = [];
  pair.server.on(T.NOTE, (note) => notes.push(note.text));
  return { ...pair, notes };
}

describe('calls from code that runs while a message is being encoded', () => {
  it('send() is refused with reentrant-call naming the type being encoded; both sends stay whole', async () => {
    const { client, server, notes } = await openPair();
    const errors: unknown[] = [];
    const value = noteThatRuns(() => {
      try {
        client.send(T.NOTE, { text: 'inner' });
      } catch (error) {
        errors.push(error);
      }
    });
    expect(client.send(T.NOTE, value)).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(isUsageError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'reentrant-call' });
      expect((error as Error).message).toMatch(
        /send\(\) was called while message type 1 \(NOTE\) was being encoded/,
      );
    }
    client.send(T.NOTE, { text: 'after' });
    await settle();
    expect(notes).toEqual(['outer', 'after']);
    expect([client.state, server.state]).toEqual(['open', 'open']);
    await client.close();
  });

  it('an uncaught refusal fails the outer send() with the refusal, and nothing of either is sent', async () => {
    const { client, notes } = await openPair();
    expect(() =>
      client.send(
        T.NOTE,
        noteThatRuns(() => client.send(T.NOTE, { text: 'inner' })),
      ),
    ).toThrow(expect.objectContaining({ code: 'reentrant-call' }));
    client.send(T.NOTE, { text: 'after' });
    await settle();
    expect(notes).toEqual(['after']);
    await client.close();
  });

  it('request() rejects with reentrant-call; the connection goes on', async () => {
    const { client, server, notes } = await openPair({ handlers: { [T.ECHO]: ({ text }) => ({ text }) } });
    const refusals: Promise<unknown>[] = [];
    const value = noteThatRuns(() => {
      refusals.push(client.request(T.ECHO, { text: 'inner', delay: 0 }));
    });
    client.send(T.NOTE, value);
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) await expect(refusal).rejects.toMatchObject({ code: 'reentrant-call' });
    expect(await client.request(T.ECHO, { text: 'after', delay: 0 })).toEqual({ text: 'after' });
    await settle();
    expect(notes).toEqual(['outer']);
    expect([client.state, server.state]).toEqual(['open', 'open']);
    await client.close();
  });

  it('close() closes once that send has returned: the message goes out whole, then GOODBYE', async () => {
    const { client, server, notes } = await openPair();
    const closes: Promise<void>[] = [];
    expect(
      client.send(
        T.NOTE,
        noteThatRuns(() => closes.push(client.close())),
      ),
    ).toBe(true);
    expect(closes.length).toBeGreaterThan(0);
    await Promise.all(closes);
    await settle();
    expect(notes).toEqual(['outer']);
    expect([client.state, server.state]).toEqual(['closed', 'closed']);
  });

  it('a request aborted from a getter sends its CANCEL behind the frame being encoded', async () => {
    const cancelled = vi.fn();
    const { client, server, notes } = await openPair({
      handlers: {
        [T.ECHO]: (_value, ctx) =>
          new Promise((resolve) => {
            ctx.signal.addEventListener('abort', () => {
              cancelled(ctx.signal.reason);
              resolve({ text: 'late' });
            });
          }),
      },
    });
    const controller = new AbortController();
    const pending = client.request(T.ECHO, { text: 'slow', delay: 0 }, { signal: controller.signal });
    await settle();
    // The codec reads `text` twice, for the size and for the bytes: abort on the second, when the
    // frame's room is reserved (on the first, the CANCEL would simply go ahead of it).
    let reads = 0;
    client.send(
      T.NOTE,
      noteThatRuns(() => {
        if (++reads === 2) controller.abort();
      }),
    );
    expect(controller.signal.aborted).toBe(true);
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
    await vi.waitUntil(() => cancelled.mock.calls.length > 0);
    expect(cancelled.mock.calls[0][0]).toMatchObject({ code: 'cancelled' });
    expect(notes).toEqual(['outer']);
    expect([client.state, server.state]).toEqual(['open', 'open']);
    await client.close();
  });

  it('a pre-encoded message (a broadcast) written from a getter goes behind the frame being encoded', async () => {
    const { client, server, notes } = await openPair();
    const broadcast = encodeMessage(testProtocol, T.NOTE, { text: 'broadcast' });
    const results: string[] = [];
    client.send(
      T.NOTE,
      noteThatRuns(() => results.push(writeEncodedMessage(client, broadcast))),
    );
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((result) => result === 'sent')).toBe(true);
    await settle();
    expect(notes).toEqual(['outer', ...results.map(() => 'broadcast')]);
    expect([client.state, server.state]).toEqual(['open', 'open']);
    await client.close();
  });
});

describe('frames the session answers with while a message is being encoded', () => {
  // The only way in is a getter that feeds the session input (receive()): the session answers
  // some frames at once, with an ERROR or a GOODBYE of its own. The input is read once the send
  // has returned.
  async function sendWhileReceiving(input: Uint8Array) {
    const { session, transport } = await openRawServer(testProtocol);
    // The codec reads `text` twice, for the size and for the bytes: feed on the second, when the
    // frame's room is reserved (on the first, the answer simply goes ahead of it).
    let reads = 0;
    const value = noteThatRuns(() => {
      if (++reads === 2) session.receive(input);
    });
    session.send(T.NOTE, value);
    await settle();
    return { session, frames: transport.take() };
  }

  it('an ERROR answer (a request with no handler) goes behind the frame being encoded, whole', async () => {
    const { session, frames } = await sendWhileReceiving(
      encodeRequestFrame(testProtocol, 9, T.ECHO, { text: 'x', delay: 0 }),
    );
    expect(frames.map((frame) => frame.kind)).toEqual([FrameKind.MESSAGE, FrameKind.ERROR]);
    expect(testProtocol.decodeMessage(frames[0].body).value).toEqual({ text: 'outer' });
    const error = decodeErrorFrame(frames[1].body, 0, frames[1].body.length);
    expect(error).toMatchObject({ requestId: 9, code: ErrorCode['no-handler'] });
    expect(session.state).toBe('open');
    await session.close({ deadline: 20 });
  });

  it("the GOODBYE answer to the peer's GOODBYE goes behind the frame being encoded, whole", async () => {
    const { frames } = await sendWhileReceiving(encodeGoodbye({ code: 0, deadline: 1000, reason: 'bye' }));
    expect(frames.map((frame) => frame.kind)).toEqual([FrameKind.MESSAGE, FrameKind.GOODBYE]);
    expect(testProtocol.decodeMessage(frames[0].body).value).toEqual({ text: 'outer' });
  });

  it('a fatal error (a REQUEST with id 0) goes out after the frame being encoded, then the session ends', async () => {
    const { session, frames } = await sendWhileReceiving(
      encodeRequestFrame(testProtocol, 0, T.ECHO, { text: 'x', delay: 0 }),
    );
    expect(frames.map((frame) => frame.kind)).toEqual([FrameKind.MESSAGE, FrameKind.ERROR]);
    expect(testProtocol.decodeMessage(frames[0].body).value).toEqual({ text: 'outer' });
    const error = decodeErrorFrame(frames[1].body, 0, frames[1].body.length);
    expect(error).toMatchObject({ requestId: 0, code: ErrorCode['malformed-frame'] });
    expect(session.state).toBe('closed');
  });
});

describe('frames queued behind an encoding count against the output limits', () => {
  it('broadcasts from a getter past maxBufferedBytes close the connection with slow-consumer, even when the send fails', async () => {
    const { session, transport } = await openRawServer(testProtocol, {
      limits: { maxQueuedBytes: 4096, maxBufferedBytes: 16 * 1024 },
    });
    transport.accept = false;
    session.send(T.NOTE, { text: 'first' });
    await Promise.resolve(); // flushed into a transport that accepts nothing more: blocked
    const broadcast = encodeMessage(testProtocol, T.NOTE, { text: 'x'.repeat(1000) });
    let read = 0;
    const invalid = {
      get text() {
        if (read++ === 0) for (let i = 0; i < 40; i++) writeEncodedMessage(session, broadcast);
        return 7;
      },
    };
    // The send itself fails (its value does not encode); what went behind it still counts.
    expect(() => session.send(T.NOTE, invalid as never)).toThrow(
      expect.objectContaining({ code: 'type-mismatch' }),
    );
    expect(session.state).toBe('closed');
    expect(transport.destroyError).toMatchObject({ code: 'slow-consumer' });
  });
});

type Action = 'none' | 'send' | 'request' | 'broadcast' | 'abort' | 'input';

describe('property: calls from getters never corrupt the stream', () => {
  it('the peer gets exactly the messages whose sends succeeded, in order, with what went behind them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            text: fc.string({ maxLength: 80 }),
            // The getter's action at each read (the codec reads a field once or twice).
            actions: fc.array(
              fc.constantFrom<Action>('none', 'send', 'request', 'broadcast', 'abort', 'input'),
              {
                minLength: 1,
                maxLength: 3,
              },
            ),
            // A value that does not encode: the send fails, what went behind it still goes.
            invalid: fc.boolean(),
            metadata: fc.boolean(),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        async (sends) => {
          const { client, server } = connect({
            protocol: testProtocol,
            server: { handlers: { [T.ECHO]: () => new Promise<{ text: string }>(() => {}) } },
          });
          await client.ready;
          const seen: string[] = [];
          server.on(T.NOTE, (note) => seen.push(note.text));
          const expected: string[] = [];
          const refusals: Promise<unknown>[] = [];
          const controllers: AbortController[] = [];
          for (let i = 0; i < sends.length; i++) {
            const { text, actions, invalid, metadata } = sends[i];
            const behind: string[] = [];
            let read = 0;
            const value = {
              get text(): string {
                const action = actions[Math.min(read++, actions.length - 1)];
                try {
                  if (action === 'send') client.send(T.NOTE, { text: 'never' });
                  else if (action === 'request')
                    refusals.push(client.request(T.ECHO, { text: 'never', delay: 0 }));
                  else if (action === 'broadcast') {
                    const note = `behind ${i}.${behind.length}`;
                    expect(
                      writeEncodedMessage(client, encodeMessage(testProtocol, T.NOTE, { text: note })),
                    ).toBe('sent');
                    behind.push(note);
                  } else if (action === 'abort') controllers.pop()?.abort();
                  // Input fed from the getter: a PING and a request the client has no handler
                  // for; the PONG and the ERROR it answers with must not land in this frame.
                  else if (action === 'input') {
                    client.receive(encodeU32Frame(FrameKind.PING, i));
                    client.receive(
                      encodeRequestFrame(testProtocol, 1000 + i, T.ECHO, { text: '', delay: 0 }),
                    );
                  }
                } catch (error) {
                  expect(error).toMatchObject({ code: 'reentrant-call' });
                }
                return (invalid ? 7 : text) as string;
              },
            };
            let sent = true;
            try {
              client.send(T.NOTE, value, metadata ? { metadata: { k: 'v' } } : undefined);
            } catch (error) {
              expect(error).toMatchObject({ code: 'type-mismatch' });
              sent = false;
            }
            expect(sent).toBe(!invalid);
            if (sent) expected.push(text);
            expected.push(...behind);
            // A request in flight, for a later getter to abort (its CANCEL goes behind that send).
            const controller = new AbortController();
            controllers.push(controller);
            client.request(T.ECHO, { text: 'slow', delay: 0 }, { signal: controller.signal }).catch(() => {});
          }
          for (const refusal of refusals)
            await expect(refusal).rejects.toMatchObject({ code: 'reentrant-call' });
          await settle();
          expect(seen).toEqual(expected);
          expect([client.state, server.state]).toEqual(['open', 'open']);
          for (const controller of controllers) controller.abort();
          await client.close({ deadline: 50 });
        },
      ),
      { numRuns: 60 },
    );
  });
});
