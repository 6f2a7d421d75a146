// A TLS 1.2 client that renegotiates makes the server do a full handshake each time (TLS 1.3 has
// no renegotiation). The server refuses it outright; and where an application allows it again
// (through `tls.extra`), the connection is cut off once Node's renegotiation limit is passed.
import { once } from 'node:events';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { generateTestPki, type TestPki } from '@bp/test-kit/pki';
import { transportProtocol as protocol, TOKEN } from '@bp/test-kit/protocols';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { createServer, type Server, type ServerTlsOptions } from '../src/index.js';

let pki: TestPki;
let server: Server<typeof protocol> | undefined;
const sockets: TLSSocket[] = [];
beforeAll(() => {
  pki = generateTestPki();
});
afterAll(() => pki.dispose());
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
  server = undefined;
});

async function tls12Server(extra: Partial<ServerTlsOptions> = {}): Promise<number> {
  server = createServer({
    protocol,
    auth: { token: TOKEN },
    tls: { key: pki.server.key, cert: pki.server.cert, maxVersion: 'TLSv1.2', ...extra },
  });
  return (await server.listen()).port;
}

async function tls12Client(port: number): Promise<TLSSocket> {
  const socket = tlsConnect({
    host: '127.0.0.1',
    port,
    ca: pki.ca,
    maxVersion: 'TLSv1.2',
    ALPNProtocols: ['bp/1'],
  });
  sockets.push(socket);
  socket.on('error', () => {});
  await once(socket, 'secureConnect');
  expect(socket.getProtocol()).toBe('TLSv1.2');
  return socket;
}

/** Renegotiates until it fails, the socket closes, or `max` succeeded; returns how many succeeded. */
async function renegotiate(socket: TLSSocket, max: number): Promise<number> {
  let done = 0;
  while (done < max && !socket.destroyed) {
    const error = await new Promise<Error | null>((resolve) => {
      const started = socket.renegotiate({ rejectUnauthorized: true }, (e) => resolve(e));
      if (started === false) resolve(new Error('renegotiate() refused to start'));
      socket.once('close', () => resolve(new Error('closed')));
    });
    if (error !== null) break;
    done++;
  }
  return done;
}

test('the server refuses renegotiation (TLS 1.2): the first attempt fails and the connection ends', async () => {
  const port = await tls12Server();
  const socket = await tls12Client(port);
  // Not events.once: it would reject on the 'error' (the alert) that comes before the close.
  const closed = new Promise((resolve) => socket.once('close', resolve));
  expect(await renegotiate(socket, 5)).toBe(0);
  await closed;
  await expect.poll(() => server!.connections, { timeout: 10_000 }).toBe(0);
});

test('with renegotiation allowed again, a client renegotiating past the limit is cut off', async () => {
  // `extra` is applied last: secureOptions 0 lifts the refusal, leaving only Node's limit
  // (tls.CLIENT_RENEG_LIMIT, 3 per 10 minutes), whose breach Node merely reports.
  const port = await tls12Server({ extra: { secureOptions: 0 } });
  const socket = await tls12Client(port);
  const closed = new Promise((resolve) => socket.once('close', resolve));
  const done = await renegotiate(socket, 50);
  await closed;
  expect(done).toBeGreaterThanOrEqual(1);
  expect(done).toBeLessThanOrEqual(4);
  await expect.poll(() => server!.connections, { timeout: 10_000 }).toBe(0);
});
