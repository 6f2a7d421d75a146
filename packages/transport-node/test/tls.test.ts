import { once } from 'node:events';
import { connect as netConnect } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
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
import {
  type ClientTlsOptions,
  connect,
  isTransportError,
  type Server,
  type ServerOptions,
} from '../src/index.js';
import { codeOf } from './fixtures/raw-client.js';
import { startServer } from './fixtures/server.js';

let pki: TestPki;
beforeAll(() => {
  pki = generateTestPki();
});
afterAll(() => pki?.dispose());

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serveTls(
  options: Partial<ServerOptions<TestProtocol>> = {},
): Promise<{ server: Server<TestProtocol>; port: number }> {
  const started = await startServer({ tls: { key: pki.server.key, cert: pki.server.cert }, ...options });
  cleanups.push(() => started.server.close({ deadline: 200 }));
  return started;
}

async function connectTls(port: number, tls: ClientTlsOptions, token: string = TOKEN) {
  const client = await connect({ host: '127.0.0.1', port, protocol, token, tls });
  cleanups.push(() => client.close({ deadline: 200 }));
  return client;
}

function causeCode(error: unknown): string | undefined {
  return codeOf((error as { cause?: unknown } | null)?.cause);
}

async function expectStillServes(port: number, tls: ClientTlsOptions = { ca: pki.ca }): Promise<void> {
  const client = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN, tls });
  try {
    expect(await client.request(MessageType.GET, { key: 'ok' })).toEqual({
      key: 'ok',
      value: expectedValue('ok'),
    });
  } finally {
    await client.close({ deadline: 200 });
  }
}

describe('TLS', () => {
  test('round trips over TLS 1.3 with the bp ALPN id, 200 requests in flight', async () => {
    const { port } = await serveTls();
    const client = await connectTls(port, { ca: pki.ca });
    const socket = client.socket as TLSSocket;
    expect(socket.encrypted).toBe(true);
    expect(socket.getProtocol()).toBe('TLSv1.3');
    expect(socket.alpnProtocol).toBe('bp/1');
    expect(socket.getPeerCertificate().subject.CN).toBe('bp-server');
    const keys = Array.from({ length: 200 }, (_, i) => `t${i}`);
    const replies = await Promise.all(keys.map((key) => client.request(MessageType.GET, { key })));
    expect(replies.map((r) => r.value)).toEqual(keys.map(expectedValue));
  });

  test('the client verifies the server: unknown CA and wrong name are refused as tls-failed', async () => {
    const { server, port } = await serveTls();
    const untrusted = await connect({
      host: '127.0.0.1',
      port,
      protocol,
      token: TOKEN,
      tls: { ca: pki.otherCa },
    }).catch((e: unknown) => e);
    expect(isTransportError(untrusted)).toBe(true);
    expect(codeOf(untrusted)).toBe('tls-failed');
    const wrongName = await connect({
      host: '127.0.0.1',
      port,
      protocol,
      token: TOKEN,
      tls: { ca: pki.ca, servername: 'not-this-server.example' },
    }).catch((e: unknown) => e);
    expect(codeOf(wrongName)).toBe('tls-failed');
    expect(causeCode(wrongName)).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    await until(() => server.connections === 0, 'refused connections released');
    await expectStillServes(port);
  });

  test('a TLS 1.1 client is refused because of the server minimum (alert protocol_version)', async () => {
    const { server, port } = await serveTls();
    const legacy = { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } as const;
    // Directly with node:tls, to see the alert the server sent.
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: pki.ca, ...legacy });
    const [error] = (await once(socket, 'error').catch((e: unknown) => [e])) as [Error & { code?: string }];
    socket.destroy();
    expect(error.code).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    expect(error.message).toMatch(/alert protocol version/);
    // And through connect(): a typed tls-failed with that cause.
    const viaConnect = await connect({
      host: '127.0.0.1',
      port,
      protocol,
      token: TOKEN,
      tls: { ca: pki.ca, ...legacy },
    }).catch((e: unknown) => e);
    expect(codeOf(viaConnect)).toBe('tls-failed');
    expect(causeCode(viaConnect)).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    expect(server.stats().tlsFailures).toBeGreaterThanOrEqual(2);
    // Control: the same legacy client is accepted by a server whose minimum is TLS 1.1, so the
    // refusal above is the minimum version and nothing else.
    const { port: legacyPort } = await serveTls({
      tls: {
        key: pki.server.key,
        cert: pki.server.cert,
        minVersion: 'TLSv1.1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      },
    });
    const accepted = await connectTls(legacyPort, { ca: pki.ca, ...legacy });
    expect((accepted.socket as TLSSocket).getProtocol()).toBe('TLSv1.1');
    await expectStillServes(port);
  });

  test('setSecureContext rotates the certificate for new connections without a restart', async () => {
    const { server, port } = await serveTls();
    const before = await connectTls(port, { ca: pki.ca });
    expect((before.socket as TLSSocket).getPeerCertificate().subject.CN).toBe('bp-server');
    server.setSecureContext({ key: pki.rotatedServer.key, cert: pki.rotatedServer.cert });
    const after = await connectTls(port, { ca: pki.ca });
    expect((after.socket as TLSSocket).getPeerCertificate().subject.CN).toBe('bp-server-rotated');
    // The open connection keeps working on its old certificate.
    expect(await before.request(MessageType.GET, { key: 'old' })).toEqual({
      key: 'old',
      value: expectedValue('old'),
    });
    expect(await after.request(MessageType.GET, { key: 'new' })).toEqual({
      key: 'new',
      value: expectedValue('new'),
    });
    expect(server.connections).toBe(2);
  });

  test('a TCP client that never starts the TLS handshake is dropped after handshakeTimeout', async () => {
    const { server, port } = await serveTls({ limits: { handshakeTimeout: 300 } });
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    cleanups.push(() => socket.destroy());
    await once(socket, 'connect');
    await once(socket, 'close');
    expect(server.stats().tlsFailures).toBe(1);
    await until(() => server.connections === 0, 'released');
    await expectStillServes(port);
  });
});

describe('mutual TLS', () => {
  const mtls = (): Partial<ServerOptions<TestProtocol>> => ({
    tls: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca, clientCertificate: 'require' },
    auth: {
      throttle: false,
      // Map the verified client certificate to the principal; the token is still checked.
      authenticate: ({ token }, info) =>
        token === TOKEN && info.tls?.authorized === true
          ? { cn: info.tls.peerCertificate?.subject.CN }
          : false,
    },
  });

  test('a client with a certificate from the trusted CA gets in, its CN is the principal', async () => {
    const { port } = await serveTls(mtls());
    const client = await connectTls(port, { ca: pki.ca, key: pki.client.key, cert: pki.client.cert });
    const identity = await client.request(MessageType.WHOAMI, {});
    expect(JSON.parse(identity.principal)).toEqual({ cn: 'bp-client' });
  });

  test('a client without a certificate, or with one from another CA, is refused', async () => {
    const { server, port } = await serveTls(mtls());
    // In TLS 1.3 the server checks the client certificate after the client's side of the
    // handshake is done: the client sees the alert (tls-failed) or, when the server's close
    // overtakes the alert, a connection closed during the protocol handshake. The server's
    // counter tells that TLS refused it, and authentication never ran.
    const refusals = ['tls-failed', 'connection-closed'];
    const anonymous = await connect({
      host: '127.0.0.1',
      port,
      protocol,
      token: TOKEN,
      tls: { ca: pki.ca },
    }).catch((e: unknown) => e);
    expect(refusals).toContain(codeOf(anonymous));
    await until(() => server.stats().tlsFailures === 1, 'server counted the TLS failure');
    const stranger = await connect({
      host: '127.0.0.1',
      port,
      protocol,
      token: TOKEN,
      tls: { ca: pki.ca, key: pki.strangerClient.key, cert: pki.strangerClient.cert },
    }).catch((e: unknown) => e);
    expect(refusals).toContain(codeOf(stranger));
    await until(() => server.stats().tlsFailures === 2, 'server counted the TLS failure');
    expect(server.stats()).toMatchObject({ authFailures: 0, connections: 0 });
    await expectStillServes(port, { ca: pki.ca, key: pki.client.key, cert: pki.client.cert });
  });

  test("clientCertificate: 'request' lets anonymous clients in, marked unauthorized", async () => {
    const seen: boolean[] = [];
    const { port } = await serveTls({
      tls: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca, clientCertificate: 'request' },
      auth: {
        authenticate: (_hello, info) => {
          seen.push(info.tls?.authorized ?? false);
          return { anonymous: !info.tls?.authorized };
        },
      },
    });
    const anonymous = await connectTls(port, { ca: pki.ca });
    const known = await connectTls(port, { ca: pki.ca, key: pki.client.key, cert: pki.client.cert });
    expect(JSON.parse((await anonymous.request(MessageType.WHOAMI, {})).principal)).toEqual({
      anonymous: true,
    });
    expect(JSON.parse((await known.request(MessageType.WHOAMI, {})).principal)).toEqual({ anonymous: false });
    expect(seen).toEqual([false, true]);
  });
});
