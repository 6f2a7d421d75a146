import { once } from 'node:events';
import { connect as netConnect } from 'node:net';
import {
  decodeErrorFrame,
  decodeGoodbye,
  ErrorCode,
  encodeGoodbye,
  encodeRequestFrame,
  FrameKind,
} from '@bp/session';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { MessageType, protocol, TOKEN } from './fixtures/protocol.js';
import { RawClient, type RawFrame } from './fixtures/raw-client.js';
import { startServer } from './fixtures/server.js';
import { helloBytes, openWebSocket } from './fixtures/websocket-client.js';

// Behaviour docs/PROTOCOL.md describes and a client written from it alone asked about (issue 15):
// each test pins what the text now says.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function concat(...parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

/** Frames read until the socket closes (bounded by `timeoutMs`). */
async function framesUntilClose(client: RawClient, timeoutMs = 5000): Promise<RawFrame[]> {
  const frames: RawFrame[] = [];
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 100 && Date.now() < deadline; i++) {
    const frame = await client.nextFrame(Math.max(1, deadline - Date.now()));
    if (frame === undefined) break;
    frames.push(frame);
  }
  return frames;
}

/** A raw TCP client past its handshake with a fresh test server. */
async function openClient(): Promise<RawClient> {
  const { server, port } = await startServer();
  cleanups.push(() => server.close({ deadline: 200 }));
  const client = await RawClient.open(port);
  cleanups.push(() => client.destroy());
  await client.handshake(TOKEN);
  return client;
}

describe('GOODBYE followed by a REQUEST in the same write (13.1, rule 4)', () => {
  test('with nothing in flight the server answers GOODBYE, ends the transport and leaves the request unanswered', async () => {
    const client = await openClient();
    client.write(
      concat(
        encodeGoodbye({ code: 0, deadline: 1000, reason: '' }),
        encodeRequestFrame(protocol, 1, MessageType.GET, { key: 'after-goodbye' }),
      ),
    );
    const frames = await framesUntilClose(client);
    expect(frames.map((f) => f.kind)).toEqual([FrameKind.GOODBYE]);
    expect(decodeGoodbye(frames[0]!.body, 0, frames[0]!.body.length).code).toBe(ErrorCode.normal);
    await client.closed;
  });

  test('with a request still in flight the late REQUEST gets ERROR(closing) and the drain finishes', async () => {
    const client = await openClient();
    client.write(
      concat(
        encodeRequestFrame(protocol, 1, MessageType.SLOW, { ms: 200 }),
        encodeGoodbye({ code: 0, deadline: 2000, reason: '' }),
        encodeRequestFrame(protocol, 2, MessageType.GET, { key: 'after-goodbye' }),
      ),
    );
    const frames = await framesUntilClose(client);
    expect(frames.map((f) => f.kind)).toEqual([FrameKind.GOODBYE, FrameKind.ERROR, FrameKind.RESPONSE]);
    const error = decodeErrorFrame(frames[1]!.body, 0, frames[1]!.body.length);
    expect(error).toMatchObject({ requestId: 2, code: ErrorCode.closing });
    expect(frames[2]!.body.readUInt32BE(0)).toBe(1);
  });
});

describe('WebSocket binding', () => {
  async function serveWebSocket() {
    const { server } = await startServer();
    cleanups.push(() => server.close({ deadline: 200 }));
    const listener = await server.listenWebSocket({ port: 0, path: '/bp' });
    return { server, url: `ws://127.0.0.1:${listener.port}/bp`, port: listener.port };
  }

  test('a frame split across messages, even inside its header, is accepted (14.2)', async () => {
    const { url } = await serveWebSocket();
    const ws = await openWebSocket(url, cleanups, ['bp.v1']);
    const answer = new Promise<Buffer>((resolve) => ws.once('message', (data: Buffer) => resolve(data)));
    const hello = Buffer.from(helloBytes());
    // 2 bytes of the header, then the rest of the header and some body, then the rest.
    ws.send(hello.subarray(0, 2));
    ws.send(hello.subarray(2, 30));
    ws.send(hello.subarray(30));
    const frame = await answer;
    expect(frame[0]! >>> 4).toBe(FrameKind.WELCOME);
  });

  test('an offer of unknown subprotocols only gets a 101 without Sec-WebSocket-Protocol: plain bp (14.1)', async () => {
    const { port } = await serveWebSocket();
    const socket = netConnect({ host: '127.0.0.1', port });
    cleanups.push(() => socket.destroy());
    await once(socket, 'connect');
    socket.write(
      'GET /bp HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
        'Sec-WebSocket-Protocol: chat, superchat\r\n\r\n',
    );
    let head = '';
    for (let i = 0; i < 50 && !head.includes('\r\n\r\n'); i++) {
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      head += chunk.toString('latin1');
    }
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    expect(head.toLowerCase()).not.toContain('sec-websocket-protocol');
    // And `ws`, strict about it, fails such a connection itself.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bp`, ['chat']);
    cleanups.push(() => ws.terminate());
    const failure = await new Promise<Error>((resolve) => ws.once('error', resolve));
    expect(failure.message).toMatch(/no subprotocol/i);
  });

  test('a client that does not answer the shutdown GOODBYE is closed with 1011 at the drain deadline (14.5)', async () => {
    const { server, url } = await serveWebSocket();
    const ws = await openWebSocket(url, cleanups, ['bp.v1']);
    const frames: Buffer[] = [];
    ws.on('message', (data: Buffer) => frames.push(data));
    const welcome = new Promise<void>((resolve) => ws.once('message', () => resolve()));
    ws.send(helloBytes());
    await welcome;
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })),
    );
    const started = performance.now();
    // The client reads the GOODBYE and says nothing back.
    const closing = server.close({ deadline: 300 });
    const { code, reason } = await closed;
    await closing;
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(frames.some((f) => f[0]! >>> 4 === FrameKind.GOODBYE)).toBe(true);
    expect(code).toBe(1011);
    expect(reason).toBe('');
  });
});
