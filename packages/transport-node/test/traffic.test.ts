import { createClientSession, type Session } from '@bp/session';
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
import { type ConnectionInfo, type ConnectionTraffic, connect, type Server } from '../src/index.js';
import { startServer } from './fixtures/server.js';

// Frame sizes of the exchange below, from the layouts in docs/PROTOCOL.md (not from the code):
// every frame is a 4-byte header plus its body (section 3.1).
const HEADER = 4;
const TYPE_HEADER = 2; // the default headerFormat '>H' (section 3.3)
/**
 * HELLO body: 46 fixed bytes + token + 4 (typeCount) + 12 per message type, + 4 for version 2's
 * `schema-resolution` extension (section 4.1).
 */
const HELLO =
  HEADER + 46 + new TextEncoder().encode(TOKEN).length + 4 + 12 * protocol.messageTypes().length + 4;
/** WELCOME body: 18 bytes (section 4.2). */
const WELCOME = HEADER + 18;
/** `string()` is a u32 byte count then UTF-8 (codec README); GET is { key: string }. */
const GET_A = HEADER + 4 + TYPE_HEADER + (4 + 1);
/** VALUE is { key: string, value: u32 }. */
const VALUE_A = HEADER + 4 + TYPE_HEADER + (4 + 1) + 4;
/** GOODBYE body: code 2 + deadline 4 + reason (section 4.9); both sides send an empty reason here. */
const GOODBYE = HEADER + 6;
/** A `CREDIT` frame of the WebSocket binding (section 14.4): not a bp frame of the session. */
const CREDIT = Uint8Array.of(0xf0, 0, 0, 4, 0, 1, 0, 0);

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => {});
});

let pki: TestPki;
beforeAll(() => {
  pki = generateTestPki();
});
afterAll(() => pki?.dispose());

async function server(
  tls = false,
): Promise<{ server: Server<TestProtocol>; port: number; infos: ConnectionInfo[] }> {
  const started = await startServer(tls ? { tls: { key: pki.server.key, cert: pki.server.cert } } : {});
  cleanups.push(() => started.server.close({ deadline: 500 }));
  const infos: ConnectionInfo[] = [];
  started.server.onSession((_session, info) => infos.push(info));
  return { ...started, infos };
}

function snapshot(traffic: ConnectionTraffic): ConnectionTraffic {
  const { bytesRead, bytesWritten, framesRead, framesWritten } = traffic;
  return { bytesRead, bytesWritten, framesRead, framesWritten };
}

const AFTER_REQUEST = {
  bytesRead: HELLO + GET_A,
  bytesWritten: WELCOME + VALUE_A,
  framesRead: 2,
  framesWritten: 2,
};
const AFTER_CLOSE = {
  bytesRead: HELLO + GET_A + GOODBYE,
  bytesWritten: WELCOME + VALUE_A + GOODBYE,
  framesRead: 3,
  framesWritten: 3,
};

/** A client session over a raw `ws` socket (the browser package does the same in a page). */
async function webSocketClient(
  url: string,
  subprotocol?: string,
): Promise<{ session: Session<TestProtocol>; ws: WebSocket }> {
  const ws = new WebSocket(url, subprotocol === undefined ? [] : [subprotocol]);
  ws.binaryType = 'nodebuffer';
  ws.on('error', () => {});
  cleanups.push(() => ws.terminate());
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const session = createClientSession({
    protocol,
    token: TOKEN,
    transport: {
      write: (chunk) => {
        if (ws.readyState === ws.OPEN) ws.send(chunk);
        return true;
      },
      end: () => ws.close(1000),
      destroy: () => ws.terminate(),
    },
  });
  ws.on('message', (data: Buffer) => session.receive(data));
  ws.on('close', () => session.transportClosed());
  return { session, ws };
}

describe('per-connection traffic counters', () => {
  for (const tls of [false, true]) {
    test(`${tls ? 'TLS' : 'TCP'}: exact bytes and frames of HELLO/WELCOME, one request, GOODBYE`, async () => {
      const { server: bp, port, infos } = await server(tls);
      const client = await connect({
        host: '127.0.0.1',
        port,
        protocol,
        token: TOKEN,
        ...(tls ? { tls: { ca: pki.ca } } : {}),
      });
      cleanups.push(() => client.close({ deadline: 200 }));
      expect(await client.request(MessageType.GET, { key: 'a' })).toEqual({
        key: 'a',
        value: expectedValue('a'),
      });
      expect(infos).toHaveLength(1);
      const info = infos[0]!;
      expect(info.transport).toBe(tls ? 'tls' : 'tcp');
      expect(snapshot(info.traffic)).toEqual(AFTER_REQUEST);
      expect(bp.stats()).toMatchObject(AFTER_REQUEST);

      await client.close({ deadline: 500 });
      await until(() => bp.connections === 0, 'the server to drop the connection');
      // The counters keep their final values, and the server's totals keep the closed connection.
      expect(snapshot(info.traffic)).toEqual(AFTER_CLOSE);
      expect(bp.stats()).toMatchObject(AFTER_CLOSE);
    });
  }

  test('two connections add up in stats(), closed and open', async () => {
    const { server: bp, port, infos } = await server();
    const first = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN });
    await first.request(MessageType.GET, { key: 'a' });
    await first.close({ deadline: 500 });
    await until(() => bp.connections === 0, 'the first connection to close');
    const second = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN });
    cleanups.push(() => second.close({ deadline: 200 }));
    await second.request(MessageType.GET, { key: 'a' });
    expect(infos.map((info) => snapshot(info.traffic))).toEqual([AFTER_CLOSE, AFTER_REQUEST]);
    expect(bp.stats()).toMatchObject({
      bytesRead: AFTER_CLOSE.bytesRead + AFTER_REQUEST.bytesRead,
      bytesWritten: AFTER_CLOSE.bytesWritten + AFTER_REQUEST.bytesWritten,
      framesRead: 5,
      framesWritten: 5,
    });
  });

  for (const subprotocol of [undefined, 'bp-flow.v1']) {
    test(`WebSocket (${subprotocol ?? 'no subprotocol'}): the same bytes and frames as TCP`, async () => {
      const { server: bp, infos } = await server();
      const listener = await bp.listenWebSocket({ port: 0, path: '/bp' });
      const { session, ws } = await webSocketClient(listener.url, subprotocol);
      await session.ready;
      // With flow control, a CREDIT message is read by the transport and never reaches the session.
      if (subprotocol !== undefined) ws.send(CREDIT);
      expect(await session.request(MessageType.GET, { key: 'a' })).toEqual({
        key: 'a',
        value: expectedValue('a'),
      });
      expect(infos).toHaveLength(1);
      const info = infos[0]!;
      expect(info.transport).toBe('websocket');
      expect(snapshot(info.traffic)).toEqual(AFTER_REQUEST);
      expect(bp.stats()).toMatchObject(AFTER_REQUEST);
      // What the client saw is the mirror image.
      expect(session.framesWritten).toBe(2);
      expect(session.framesRead).toBe(2);

      await session.close({ deadline: 500 });
      await until(() => bp.connections === 0, 'the server to drop the connection');
      expect(snapshot(info.traffic)).toEqual(AFTER_CLOSE);
      expect(bp.stats()).toMatchObject(AFTER_CLOSE);
    });
  }
});
