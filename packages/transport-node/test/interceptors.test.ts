// Interceptors and per-call metadata over real connections on 127.0.0.1: TCP, TLS and WebSocket,
// one server serving all three, and the TCP bytes between client and server read off a proxy.
import { once } from 'node:events';
import { createServer as createNetServer, connect as netConnect, type Socket } from 'node:net';
import {
  ApplicationError,
  createClientSession,
  type Interceptor,
  type Metadata,
  type Session,
} from '@bp/session';
import { createFrameLimits, FrameReader } from '@bp/session/wire';
import { generateTestPki, type TestPki } from '@bp/test-kit/pki';
import {
  expectedValue,
  TransportType as MessageType,
  transportProtocol as protocol,
  type TransportProtocol as TestProtocol,
  TOKEN,
} from '@bp/test-kit/protocols';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { connect } from '../src/index.js';
import { startServer } from './fixtures/server.js';

let pki: TestPki;
const cleanups: (() => unknown)[] = [];
const seen: {
  direction: string;
  type: string | undefined;
  tenant: string | undefined;
  principal: unknown;
}[] = [];

/** The server's interceptors: one records, one refuses calls marked `deny` with a typed error. */
const record: Interceptor<TestProtocol> = (next) => async (call) => {
  seen.push({
    direction: call.direction,
    type: call.typeName,
    tenant: call.metadata.tenant,
    principal: call.principal,
  });
  return next(call);
};
const deny: Interceptor<TestProtocol> = (next) => async (call) => {
  if (call.metadata.deny !== undefined) throw new ApplicationError(1403, `denied: ${call.metadata.deny}`);
  return next(call);
};
/** Answers every request's `tenant` back in the reply metadata. */
const echoTenant: Interceptor<TestProtocol> = (next) => async (call) => {
  const result = await next(call);
  const tenant = call.metadata.tenant;
  return tenant === undefined
    ? result
    : { ...result, metadata: { ...result.metadata, 'echo-tenant': tenant } };
};

let tcpPort = 0;
let tlsPort = 0;
let wsUrl = '';

beforeAll(async () => {
  pki = generateTestPki();
  const options = { interceptors: [record, deny, echoTenant], auth: { authenticate: () => ({ user: 'u' }) } };
  const tcp = await startServer(options);
  const tls = await startServer({ ...options, tls: { key: pki.server.key, cert: pki.server.cert } });
  cleanups.push(
    () => tcp.server.close({ deadline: 200 }),
    () => tls.server.close({ deadline: 200 }),
  );
  tcpPort = tcp.port;
  tlsPort = tls.port;
  wsUrl = (await tcp.server.listenWebSocket({ port: 0, path: '/bp' })).url;
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  pki?.dispose();
});

/** A client session over a plain `ws` socket (the browser package's client is tested in Chromium). */
async function webSocketSession(interceptors: Interceptor<TestProtocol>[]): Promise<Session<TestProtocol>> {
  const ws = new WebSocket(wsUrl);
  ws.binaryType = 'nodebuffer';
  cleanups.push(() => ws.terminate());
  await once(ws, 'open');
  const session = createClientSession({
    protocol,
    token: TOKEN,
    interceptors,
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
  await session.ready;
  return session;
}

/** The frames in `bytes` (every kind, any length: this reads what was sent, it checks nothing). */
function framesOf(bytes: Uint8Array): { kind: number; body: Uint8Array }[] {
  const limits = createFrameLimits();
  limits.max.fill(0x0fffffff);
  const frames: { kind: number; body: Uint8Array }[] = [];
  new FrameReader(
    { onFrame: (kind, source, start, end) => frames.push({ kind, body: source.slice(start, end) }) },
    limits,
  ).push(bytes);
  return frames;
}

type Requester = Pick<Session<TestProtocol>, 'request'>;

/** The same expectations on every transport. */
async function exercise(client: Requester, clientLog: string[]): Promise<void> {
  seen.length = 0;
  const replies: Metadata[] = [];
  const reply = await client.request(
    MessageType.GET,
    { key: 'k' },
    { metadata: { tenant: 'acme' }, onReplyMetadata: (m) => replies.push({ ...m }) },
  );
  expect(reply).toEqual({ key: 'k', value: expectedValue('k') });
  expect(replies).toEqual([{ 'echo-tenant': 'acme', 'client-stamp': 'seen' }]);
  expect(seen).toEqual([{ direction: 'incoming', type: 'GET', tenant: 'acme', principal: { user: 'u' } }]);
  await expect(
    client.request(MessageType.GET, { key: 'k' }, { metadata: { deny: 'nope' } }),
  ).rejects.toMatchObject({
    wireCode: 1403,
    message: 'denied: nope',
  });
  expect(clientLog).toEqual(['GET ok', 'GET 1403']);
}

/** The client's interceptor: logs outcomes and adds a key to the reply metadata it passes back. */
function clientInterceptor(log: string[]): Interceptor<TestProtocol> {
  return (next) => async (call) => {
    try {
      const result = await next(call);
      log.push(`${call.typeName} ok`);
      return { ...result, metadata: { ...result.metadata, 'client-stamp': 'seen' } };
    } catch (error) {
      log.push(`${call.typeName} ${(error as { wireCode?: number }).wireCode}`);
      throw error;
    }
  };
}

describe('interceptors and metadata over real connections', () => {
  test('TCP', async () => {
    const log: string[] = [];
    const client = await connect({
      host: '127.0.0.1',
      port: tcpPort,
      protocol,
      token: TOKEN,
      interceptors: [clientInterceptor(log)],
    });
    cleanups.push(() => client.close({ deadline: 200 }));
    await exercise(client, log);
  });

  test('TLS', async () => {
    const log: string[] = [];
    const client = await connect({
      host: '127.0.0.1',
      port: tlsPort,
      protocol,
      token: TOKEN,
      tls: { ca: pki.ca },
      interceptors: [clientInterceptor(log)],
    });
    cleanups.push(() => client.close({ deadline: 200 }));
    await exercise(client, log);
  });

  test('WebSocket', async () => {
    const log: string[] = [];
    const session = await webSocketSession([clientInterceptor(log)]);
    cleanups.push(() => session.close({ deadline: 200 }));
    await exercise(session, log);
  });

  test('on the TCP wire: no METADATA frame and not one extra byte without metadata, one frame with', async () => {
    // A proxy between client and server records what the client's socket really sent.
    const upstream: Buffer[] = [];
    const sockets: Socket[] = [];
    const proxy = createNetServer((inbound) => {
      const outbound = netConnect(tcpPort, '127.0.0.1');
      sockets.push(inbound, outbound);
      inbound.on('data', (chunk: Buffer) => {
        upstream.push(chunk);
        outbound.write(chunk);
      });
      outbound.on('data', (chunk: Buffer) => inbound.write(chunk));
      inbound.on('close', () => outbound.destroy());
      outbound.on('close', () => inbound.destroy());
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => proxy.close(resolve));
    });
    const port = (proxy.address() as { port: number }).port;
    const client = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN });
    cleanups.push(() => client.close({ deadline: 200 }));
    const sent = () => framesOf(Buffer.concat(upstream.splice(0)));

    sent(); // the HELLO
    await client.request(MessageType.GET, { key: 'k' });
    const plain = sent();
    expect(plain.map((f) => f.kind)).toEqual([0x5]);
    // header + request id + type header + payload ('k' as a u32-prefixed string): nothing else.
    expect(plain[0]!.body.length).toBe(4 + 2 + 4 + 1);

    await client.request(MessageType.GET, { key: 'k' }, { metadata: { tenant: 'acme' } });
    const annotated = sent();
    expect(annotated.map((f) => f.kind)).toEqual([0xc, 0x5]);
    expect(annotated[0]!.body.length).toBe(4 + 1 + 1 + 6 + 2 + 4);
  });
});
