import { once } from 'node:events';
import {
  decodeErrorFrame,
  decodeReject,
  ErrorCode,
  encodeHello,
  encodeRequestFrame,
  FrameKind,
  schemaFingerprint,
} from '@bp/session';
import { until } from '@bp/test-kit/async';
import { generateTestPki, type TestPki } from '@bp/test-kit/pki';
import {
  expectedValue,
  TransportType as MessageType,
  transportProtocol as protocol,
  type TransportProtocol as TestProtocol,
  TOKEN,
} from '@bp/test-kit/protocols';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { connect, type Server, type ServerOptions } from '../src/index.js';
import { codeOf, RawClient } from './fixtures/raw-client.js';
import { startServer } from './fixtures/server.js';

/**
 * Slowloris over real sockets: a client that sends a byte of a frame every DRIP_MS, well within
 * readTimeout, but never completes the frame. The session counts complete frames only
 * (docs/PROTOCOL.md section 12), so it closes such a client with read-timeout on every transport.
 */
const READ_TIMEOUT = 600;
const DRIP_MS = 200;
/** Bounds each wait; detection is due about READ_TIMEOUT + 2 x READ_TIMEOUT / 2 after WELCOME. */
const WAIT_MS = 10_000;

let pki: TestPki | undefined;
beforeAll(() => {
  pki = generateTestPki();
});
afterAll(() => pki?.dispose());

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server that records how each of its sessions ended. */
async function serve(options: Partial<ServerOptions<TestProtocol>> = {}) {
  const started = await startServer({ limits: { readTimeout: READ_TIMEOUT }, ...options });
  cleanups.push(() => started.server.close({ deadline: 200 }));
  const endings: (Error | undefined)[] = [];
  started.server.onSession((session) => session.onClose((error) => endings.push(error)));
  return { ...started, endings };
}

/** A request frame that stays incomplete for the whole test: far more bytes than are dripped. */
function bigRequest(): Uint8Array {
  return encodeRequestFrame(protocol, 1, MessageType.GET, { key: 'k'.repeat(500) });
}

/** Calls `send(byte)` every DRIP_MS with the next byte of `frame`, never its last one. */
function drip(frame: Uint8Array, send: (byte: Uint8Array) => boolean): { readonly sent: number } {
  const state = { sent: 0 };
  const timer = setInterval(() => {
    if (state.sent < frame.length - 1 && send(frame.subarray(state.sent, state.sent + 1))) state.sent++;
  }, DRIP_MS);
  cleanups.push(() => clearInterval(timer));
  return state;
}

async function expectStillServes(server: Server<TestProtocol>, port: number, tls?: { ca: string }) {
  const client = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN, tls });
  try {
    expect(await client.request(MessageType.GET, { key: 'ok' })).toEqual({
      key: 'ok',
      value: expectedValue('ok'),
    });
  } finally {
    await client.close({ deadline: 200 });
  }
  await until(() => server.connections === 0, 'connections released');
}

/** Over a byte stream (TCP or TLS): the client is told read-timeout and dropped. */
async function expectDripClosed(
  client: RawClient,
  server: Server<TestProtocol>,
  endings: (Error | undefined)[],
): Promise<number> {
  await client.handshake(TOKEN);
  const frame = bigRequest();
  const state = drip(frame, (byte) => {
    if (client.socket.destroyed) return false;
    client.write(byte);
    return true;
  });
  const error = await client.frameOfKind(FrameKind.ERROR, WAIT_MS);
  expect(error?.kind).toBe(FrameKind.ERROR);
  const decoded = decodeErrorFrame(error?.body ?? new Uint8Array(6), 0, error?.body.length ?? 6);
  expect(decoded).toMatchObject({ requestId: 0, code: ErrorCode['read-timeout'] });
  await client.closed;
  await until(() => endings.length === 1, 'the session closed', WAIT_MS);
  expect(codeOf(endings[0])).toBe('read-timeout');
  await until(() => server.connections === 0, 'connection released');
  // Bytes kept arriving faster than readTimeout, and the frame never completed.
  expect(state.sent).toBeGreaterThan(0);
  expect(state.sent).toBeLessThan(frame.length - 1);
  return state.sent;
}

describe('a client dripping a frame faster than readTimeout is closed with read-timeout', () => {
  test('over TCP', async () => {
    const { server, port, endings } = await serve();
    const client = await RawClient.open(port);
    cleanups.push(() => client.destroy());
    await expectDripClosed(client, server, endings);
    await expectStillServes(server, port);
  });

  test('over TLS', async () => {
    const ca = (pki as TestPki).ca;
    const { server, port, endings } = await serve({
      tls: { key: (pki as TestPki).server.key, cert: (pki as TestPki).server.cert },
    });
    const client = await RawClient.openTls(port, ca);
    cleanups.push(() => client.destroy());
    await expectDripClosed(client, server, endings);
    await expectStillServes(server, port, { ca });
  });

  test('over WebSocket, one byte per message', async () => {
    const { server, port, endings } = await serve();
    const listener = await server.listenWebSocket({ port: 0, path: '/bp' });
    const ws = new WebSocket(listener.url);
    ws.binaryType = 'nodebuffer';
    ws.on('error', () => {});
    cleanups.push(() => ws.terminate());
    const received: Buffer[] = [];
    ws.on('message', (data: Buffer) => received.push(data));
    const closed = once(ws, 'close');
    await once(ws, 'open');
    const { fingerprint, digests } = schemaFingerprint(protocol.describe());
    ws.send(
      encodeHello({
        minVersion: 1,
        maxVersion: 1,
        maxPayloadSize: protocol.maxPayloadSize,
        fingerprint,
        token: TOKEN,
        digests,
      }),
    );
    await until(() => received.length > 0, 'WELCOME');
    expect(received[0][0] >>> 4).toBe(FrameKind.WELCOME);
    const frame = bigRequest();
    const state = drip(frame, (byte) => {
      if (ws.readyState !== ws.OPEN) return false;
      ws.send(byte);
      return true;
    });
    await Promise.race([
      closed,
      new Promise((_, reject) => setTimeout(() => reject(new Error('the WebSocket stayed open')), WAIT_MS)),
    ]);
    await until(() => endings.length === 1, 'the session closed', WAIT_MS);
    expect(codeOf(endings[0])).toBe('read-timeout');
    expect(state.sent).toBeGreaterThan(0);
    expect(state.sent).toBeLessThan(frame.length - 1);
    // The ERROR frame is best effort (the connection is dropped right after); if it came, it says why.
    const frames = splitFrames(Buffer.concat(received));
    for (const error of frames.filter((f) => f.kind === FrameKind.ERROR)) {
      expect(decodeErrorFrame(error.body, 0, error.body.length).code).toBe(ErrorCode['read-timeout']);
    }
    await until(() => server.connections === 0, 'connection released');
    await expectStillServes(server, port);
  });
});

describe('the handshake', () => {
  test('a HELLO dripped over TCP is refused with handshake-timeout, however steady the drip', async () => {
    const { server, port } = await serve({ limits: { readTimeout: 5000, handshakeTimeout: 500 } });
    const client = await RawClient.open(port);
    cleanups.push(() => client.destroy());
    const { fingerprint, digests } = schemaFingerprint(protocol.describe());
    const hello = encodeHello({
      minVersion: 1,
      maxVersion: 1,
      maxPayloadSize: protocol.maxPayloadSize,
      fingerprint,
      token: TOKEN,
      digests,
    });
    // HELLO is well over 40 bytes; at one byte per 50 ms it cannot complete within 500 ms.
    const state = { sent: 0 };
    const timer = setInterval(() => {
      if (state.sent < hello.length - 1 && !client.socket.destroyed) {
        client.write(hello.subarray(state.sent, ++state.sent));
      }
    }, 50);
    cleanups.push(() => clearInterval(timer));
    const reject = await client.frameOfKind(FrameKind.REJECT, WAIT_MS);
    expect(reject?.kind).toBe(FrameKind.REJECT);
    const body = reject?.body ?? new Uint8Array(16);
    expect(decodeReject(body, 0, body.length).code).toBe(ErrorCode['handshake-timeout']);
    await client.closed;
    expect(state.sent).toBeLessThan(hello.length - 1);
    await expectStillServes(server, port);
  });
});

function splitFrames(bytes: Buffer): { kind: number; body: Buffer }[] {
  const frames: { kind: number; body: Buffer }[] = [];
  let at = 0;
  while (at + 4 <= bytes.length) {
    const header = bytes.readUInt32BE(at);
    const end = at + 4 + (header & 0x0fffffff);
    if (end > bytes.length) break;
    frames.push({ kind: header >>> 28, body: bytes.subarray(at + 4, end) });
    at = end;
  }
  return frames;
}
