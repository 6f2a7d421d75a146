// TLS and plain TCP mixed up, tried as a new user would: the error names the likely cause and
// the fix instead of OpenSSL's `ssl3_get_record:wrong version number` or a bare
// `connection-closed`. Real servers and sockets on 127.0.0.1.
import { generateTestPki, type TestPki } from '@bp/test-kit/pki';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connect, isClientError, isTransportError } from '../src/index.js';
import { protocol, TOKEN } from './fixtures/protocol.js';
import { startServer } from './fixtures/server.js';

let pki: TestPki;
beforeAll(() => {
  pki = generateTestPki();
});
afterAll(() => pki?.dispose());

test('TLS to a plain TCP port: tls-failed saying it is probably a plain port and to drop `tls`', async () => {
  const { server, port } = await startServer();
  try {
    const error = await connect({ port, protocol, token: TOKEN, tls: { ca: pki.ca } }).catch(
      (e: unknown) => e,
    );
    expect(isTransportError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'tls-failed' });
    const message = (error as Error).message;
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toMatch(/probably a plain TCP port/);
    expect(message).toMatch(/without `tls`/);
    expect(message).not.toMatch(/ssl3_get_record/);
    // The OpenSSL detail stays available for whoever needs it.
    expect((error as Error).cause).toMatchObject({ code: 'ERR_SSL_WRONG_VERSION_NUMBER' });
  } finally {
    await server.close({ deadline: 100 });
  }
});

test('plain TCP to a TLS port: connect-failed saying it is probably a TLS port and to pass `tls`', async () => {
  const { server, port } = await startServer({ tls: { key: pki.server.key, cert: pki.server.cert } });
  try {
    const error = await connect({ port, protocol, token: TOKEN }).catch((e: unknown) => e);
    expect(isClientError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'connect-failed' });
    const message = (error as Error).message;
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toMatch(/probably a TLS port/);
    expect(message).toMatch(/tls: true/);
    expect((error as Error).cause).toMatchObject({ name: 'SessionError', code: 'connection-closed' });
  } finally {
    await server.close({ deadline: 100 });
  }
});

test('control: a plain client at a plain port and a TLS client at a TLS port both connect', async () => {
  const plain = await startServer();
  const tls = await startServer({ tls: { key: pki.server.key, cert: pki.server.cert } });
  try {
    const a = await connect({ port: plain.port, protocol, token: TOKEN });
    const b = await connect({ port: tls.port, protocol, token: TOKEN, tls: { ca: pki.ca } });
    expect([a.state, b.state]).toEqual(['open', 'open']);
    await Promise.all([a.close(), b.close()]);
  } finally {
    await Promise.all([plain.server.close({ deadline: 100 }), tls.server.close({ deadline: 100 })]);
  }
});
