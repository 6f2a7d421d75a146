import { describe, expect, test, vi } from 'vitest';
import { createServerSession } from '../src/index.js';
import { connect, helloFor, openRawServer, RecordingTransport, T, testProtocol } from './fixtures.js';

const note = { text: 'x'.repeat(1000) };

describe('flow control', () => {
  test('send() reports backpressure and drained() resolves once the peer reads again', async () => {
    const { client, server, clientEnd } = connect({
      protocol: testProtocol,
      server: { limits: { maxQueuedBytes: 16 * 1024, lowWatermark: 4096 } },
      transport: { highWaterMark: 8 * 1024 },
    });
    const received: number[] = [];
    client.on(T.NOTE, () => received.push(1));
    await client.ready;
    clientEnd.pause(); // the client stops reading
    let sent = 0;
    while (server.send(T.NOTE, note)) {
      sent++;
      if (sent > 1000) throw new Error('backpressure never reported');
      if (sent % 4 === 0) await Promise.resolve();
    }
    expect(server.queuedBytes).toBeGreaterThanOrEqual(16 * 1024);
    let drained = false;
    const waiting = server.drained().then(() => {
      drained = true;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(drained).toBe(false);
    clientEnd.resume();
    await waiting;
    expect(server.queuedBytes).toBeLessThanOrEqual(4096);
    await vi.waitUntil(() => received.length === sent + 1);
  });

  test("slowConsumer 'close': a peer that does not read is disconnected with slow-consumer", async () => {
    const { client, server, clientEnd } = connect({
      protocol: testProtocol,
      server: { limits: { maxQueuedBytes: 8 * 1024, slowConsumer: 'close' } },
      transport: { highWaterMark: 4 * 1024 },
    });
    const serverClosed = new Promise<Error | undefined>((resolve) => server.onClose(resolve));
    await client.ready;
    clientEnd.pause();
    for (let i = 0; i < 200 && server.state === 'open'; i++) {
      server.send(T.NOTE, note);
      await Promise.resolve();
    }
    expect(await serverClosed).toMatchObject({ code: 'slow-consumer' });
    expect(server.state).toBe('closed');
    await vi.waitUntil(() => client.state === 'closed');
  });

  test("slowConsumer 'backpressure': reading from the peer pauses, and resumes at the low watermark", async () => {
    const { session, transport } = await openRawServer(testProtocol, {
      limits: { maxQueuedBytes: 4096, lowWatermark: 1024, maxBufferedBytes: 64 * 1024 },
    });
    transport.accept = false; // the socket buffer is full from the first write on
    let sent = 0;
    while (session.send(T.NOTE, note)) {
      if (++sent > 100) throw new Error('backpressure never reported');
    }
    // The first batch went to the transport (which said it is full); the rest waits here.
    expect(sent).toBeGreaterThan(4);
    expect(session.queuedBytes).toBeGreaterThanOrEqual(4096);
    expect(transport.paused).toBe(true);
    expect(session.state).toBe('open');
    transport.accept = true;
    session.transportDrained();
    expect(transport.paused).toBe(false);
    expect(session.queuedBytes).toBe(0);
    await session.drained();
  });

  test("'backpressure' still has a hard cap: a producer that ignores false is cut off at maxBufferedBytes", async () => {
    const { session, transport } = await openRawServer(testProtocol, {
      limits: { maxQueuedBytes: 4096, maxBufferedBytes: 16 * 1024 },
    });
    transport.accept = false;
    session.send(T.NOTE, note);
    await Promise.resolve();
    for (let i = 0; i < 40 && session.state === 'open'; i++) session.send(T.NOTE, note);
    expect(session.state).toBe('closed');
    expect(transport.destroyed).toBe(true);
    expect(transport.destroyError).toMatchObject({ code: 'slow-consumer' });
  });

  test('everything sent in one turn leaves as one chunk', async () => {
    const { session, transport } = await openRawServer(testProtocol);
    for (let n = 0; n < 1000; n++) session.send(T.TICK, { n });
    expect(transport.chunks).toHaveLength(0);
    await Promise.resolve();
    expect(transport.chunks).toHaveLength(1);
    expect(transport.chunks[0].length).toBe(1000 * (4 + 2 + 4));
    const frames = transport.take();
    expect(frames.map((f) => new DataView(f.body.buffer).getUint32(2))).toEqual(
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  test('flush() hands queued frames over at once; chunks handed over are never overwritten', async () => {
    const kept: Uint8Array[] = [];
    const transport = new RecordingTransport();
    // Keep the chunks themselves, not copies, to see whether the session writes into them later.
    transport.write = (chunk: Uint8Array) => kept.push(chunk) > 0;
    const session = createServerSession({ protocol: testProtocol, transport });
    session.receive(helloFor(testProtocol));
    await session.ready;
    kept.length = 0;
    session.send(T.TICK, { n: 1 });
    session.flush();
    expect(kept).toHaveLength(1);
    const first = kept[0].slice();
    for (let round = 0; round < 50; round++) {
      for (let n = 0; n < 500; n++) session.send(T.TICK, { n });
      session.flush();
    }
    expect(kept).toHaveLength(51);
    expect(kept[0]).toEqual(first);
    expect(kept[1]).toEqual(kept[50]);
  });
});
