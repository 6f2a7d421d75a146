import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createClientSession, SessionError, type SessionTransport } from '../src/index.js';
import { connect, RecordingTransport, T, testProtocol } from './fixtures.js';

// Issue 9: errors a person can act on. Each names the likely cause and the fix, and keeps its code.

afterEach(() => {
  vi.useRealTimers();
});

function socketTransport(socket: net.Socket): SessionTransport {
  return {
    write: (chunk) => socket.write(chunk),
    end: () => socket.end(),
    destroy: (error) => socket.destroy(error),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
  };
}

const encoder = new TextEncoder();
const HTTP_ANSWER = encoder.encode('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');

describe('a bp client that dialled an HTTP port', () => {
  test('a real HTTP server on 127.0.0.1: the error says the port speaks HTTP and what to connect to', async () => {
    const server = http.createServer((_request, response) => response.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      const session = createClientSession({
        protocol: testProtocol,
        transport: socketTransport(socket),
        limits: { handshakeTimeout: 20_000 },
      });
      socket.on('data', (chunk) => session.receive(chunk));
      socket.on('close', () => session.transportClosed());
      socket.on('error', () => {});
      const error = await session.ready.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SessionError);
      expect(error).toMatchObject({ code: 'unexpected-frame' });
      const message = (error as Error).message;
      expect(message).toContain('the server answered in HTTP ("HTTP/1.1 400 Bad Request")');
      expect(message).toContain('this port speaks HTTP');
      expect(message).toContain('bp port');
      expect(message).toContain('WebSocket endpoint');
      expect(message).not.toContain('not allowed now');
    } finally {
      socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('however the answer is cut into chunks', () => {
    for (let cut = 1; cut < HTTP_ANSWER.length; cut++) {
      const session = createClientSession({ protocol: testProtocol, transport: new RecordingTransport() });
      let failure: unknown;
      session.onClose((error) => {
        failure = error;
      });
      for (let at = 0; at < HTTP_ANSWER.length && session.state !== 'closed'; at += cut) {
        session.receive(HTTP_ANSWER.subarray(at, at + cut));
      }
      expect(failure, `chunks of ${cut}`).toMatchObject({ code: 'unexpected-frame' });
      expect((failure as Error).message, `chunks of ${cut}`).toContain('this port speaks HTTP');
    }
  });

  test('other garbage keeps the frame reader error; nothing from the peer crashes the session', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 64 }), (bytes, cut) => {
        const session = createClientSession({ protocol: testProtocol, transport: new RecordingTransport() });
        let failure: unknown;
        session.onClose((error) => {
          failure = error;
        });
        for (let at = 0; at < bytes.length && session.state !== 'closed'; at += cut) {
          session.receive(bytes.subarray(at, at + cut));
        }
        session.close();
        expect(failure).toBeInstanceOf(SessionError);
        const http = bytes.length >= 4 && new TextDecoder().decode(bytes.subarray(0, 5)).startsWith('HTTP');
        if (!http) expect((failure as Error).message).not.toContain('HTTP');
      }),
      { numRuns: 300 },
    );
  });

  test('the status line is shown as printable ASCII only', () => {
    const session = createClientSession({ protocol: testProtocol, transport: new RecordingTransport() });
    let failure: unknown;
    session.onClose((error) => {
      failure = error;
    });
    session.receive(new Uint8Array([...encoder.encode('HTTP/1.1 400 \u001b[31m'), 0xff, 0x0d, 0x0a]));
    expect((failure as Error).message).toContain('("HTTP/1.1 400 ?[31m?")');
  });
});

describe('request timeouts', () => {
  test('name the request, its message type and the timeout, and say how to wait longer', async () => {
    vi.useFakeTimers();
    const { client } = connect({
      protocol: testProtocol,
      server: { handlers: { [T.ECHO]: () => new Promise<never>(() => {}) } },
      client: { limits: { requestTimeout: 5000, heartbeatInterval: 0, readTimeout: 0 } },
    });
    await vi.advanceTimersByTimeAsync(0);
    await client.ready;
    const own = client.request(T.ECHO, { text: 'a', delay: 0 }, { timeout: 100 }).catch((e: unknown) => e);
    const byDefault = client.request(T.ECHO, { text: 'b', delay: 0 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await own).toMatchObject({
      code: 'timeout',
      requestId: 1,
      message:
        'request 1 of message type 2 (ECHO) timed out: no reply within 100 ms. ' +
        'If the peer needs longer, pass { timeout } to request() or raise limits.requestTimeout',
    });
    expect(await byDefault).toMatchObject({ code: 'timeout', requestId: 2 });
    expect(((await byDefault) as Error).message).toContain('request 2 of message type 2 (ECHO) timed out');
    expect(((await byDefault) as Error).message).toContain('no reply within 5000 ms');
    await client.close({ deadline: 10 });
  });
});

describe('requests of a type without a declared reply', () => {
  test('say what to declare in the protocol, or to send() it one-way', async () => {
    const { client } = connect({ protocol: testProtocol });
    await client.ready;
    const error = await client.request(T.NOTE as never, { text: 'x' } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    expect(error).toMatchObject({ code: 'no-reply-type' });
    expect((error as Error).message).toBe(
      'message type 1 (NOTE) has no declared reply type, so request() cannot wait for an answer. ' +
        "Declare its reply in the protocol's responses ({ 1: <reply type> }), or send() it one-way",
    );
    await client.close();
  });

  test('a number that is not a message type at all says so', async () => {
    const { client } = connect({ protocol: testProtocol });
    await client.ready;
    const error = await client.request(99 as never, {} as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'no-reply-type' });
    expect((error as Error).message).toBe(
      'message type 99 has no declared reply type: it is not part of the protocol. ' +
        'Declare it in messageStructures and its reply in responses ({ 99: <reply type> })',
    );
    await client.close();
  });
});
