import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { connect, T, testProtocol } from './fixtures.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('heartbeats, dead peers, idle connections', () => {
  test('an idle but healthy connection stays open: pings are answered', async () => {
    const { client, server, clientEnd, serverEnd } = connect({
      protocol: testProtocol,
      server: { limits: { heartbeatInterval: 1000, readTimeout: 3000 } },
      client: { limits: { readTimeout: 3000 } },
    });
    await vi.advanceTimersByTimeAsync(0);
    await client.ready;
    expect(client.peer?.heartbeatInterval).toBe(1000);
    clientEnd.written.length = 0;
    serverEnd.written.length = 0;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(client.state).toBe('open');
    expect(server.state).toBe('open');
    const kinds = (chunks: Uint8Array[]) => chunks.map((c) => c[0] >> 4);
    // Both sides sent pings (0x8) and pongs (0x9).
    expect(kinds(serverEnd.written)).toContain(0x8);
    expect(kinds(clientEnd.written)).toContain(0x9);
  });

  test('a peer that stops answering is declared dead after readTimeout; requests fail with read-timeout', async () => {
    const { client, server, serverEnd } = connect({
      protocol: testProtocol,
      // The server's own dead-peer check is slower, so the client is the one that notices.
      server: {
        limits: { heartbeatInterval: 1000, readTimeout: 60_000 },
        handlers: { [T.ECHO]: () => new Promise<never>(() => {}) },
      },
      client: { limits: { readTimeout: 3000, requestTimeout: 0 } },
    });
    await vi.advanceTimersByTimeAsync(0);
    await client.ready;
    const pending = client.request(T.ECHO, { text: '', delay: 0 }).catch((e) => e);
    await vi.advanceTimersByTimeAsync(0);
    // The server's machine freezes: it reads nothing and sends nothing more.
    serverEnd.pause();
    serverEnd.record = false;
    const origWrite = serverEnd.write.bind(serverEnd);
    serverEnd.write = () => true;
    await vi.advanceTimersByTimeAsync(2999);
    expect(client.state).toBe('open');
    await vi.advanceTimersByTimeAsync(2000);
    expect(client.state).toBe('closed');
    expect(await pending).toMatchObject({ code: 'read-timeout', remote: false });
    serverEnd.write = origWrite;
    void server;
  });

  test('idle timeout closes gracefully with GOODBYE idle-timeout; traffic keeps it open', async () => {
    const { client, server } = connect({
      protocol: testProtocol,
      server: { limits: { idleTimeout: 5000, heartbeatInterval: 1000 } },
    });
    const clientClosed = vi.fn();
    client.onClose(clientClosed);
    await vi.advanceTimersByTimeAsync(0);
    await client.ready;
    for (let i = 0; i < 10; i++) {
      client.send(T.TICK, { n: i });
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(server.state).toBe('open');
    await vi.advanceTimersByTimeAsync(7000);
    expect(server.state).toBe('closed');
    expect(client.state).toBe('closed');
    expect(clientClosed).toHaveBeenCalledWith(undefined);
    expect((client as unknown as { peerGoodbye: { code: number } }).peerGoodbye.code).toBe(8);
  });

  test('a connection gone quiet lets go of its output buffer; a busy one keeps it', async () => {
    const { client, server, serverEnd } = connect({
      protocol: testProtocol,
      // Chunks as written, not copies: each is a view of the buffer the session wrote it into.
      transport: { copy: false },
      server: { limits: { heartbeatInterval: 1000, readTimeout: 3000 } },
      client: { limits: { readTimeout: 3000 } },
    });
    await vi.advanceTimersByTimeAsync(0);
    await client.ready;
    const bufferOfNextFrame = async () => {
      serverEnd.written.length = 0;
      server.send(T.TICK, { n: 1 });
      await vi.advanceTimersByTimeAsync(0);
      return serverEnd.written.at(-1)!.buffer.byteLength;
    };
    // A burst grows the output buffer to its largest size.
    for (let i = 0; i < 20_000; i++) server.send(T.TICK, { n: i });
    await vi.advanceTimersByTimeAsync(0);
    expect(await bufferOfNextFrame()).toBeGreaterThanOrEqual(32 * 1024);
    // Traffic between every two ticks: the buffer is kept, not allocated again and again.
    for (let i = 0; i < 8; i++) {
      server.send(T.TICK, { n: i });
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(await bufferOfNextFrame()).toBeGreaterThanOrEqual(32 * 1024);
    // Quiet for a few ticks (pings and pongs are not traffic): it starts small again (the pings
    // since the release may have taken a first small buffer or two).
    await vi.advanceTimersByTimeAsync(2500);
    expect(await bufferOfNextFrame()).toBeLessThanOrEqual(1024);
    expect(server.state).toBe('open');
  });

  test('heartbeatInterval 0: no pings, and an idle connection is not declared dead', async () => {
    const { client, server, clientEnd, serverEnd } = connect({
      protocol: testProtocol,
      server: { limits: { heartbeatInterval: 0, readTimeout: 1000 } },
      client: { limits: { readTimeout: 1000 } },
    });
    await vi.advanceTimersByTimeAsync(0);
    await client.ready;
    clientEnd.written.length = 0;
    serverEnd.written.length = 0;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.state).toBe('open');
    expect(server.state).toBe('open');
    expect(clientEnd.written).toEqual([]);
    expect(serverEnd.written).toEqual([]);
  });
});
