// Schema evolution (docs/PROTOCOL.md section 7.6) over real sockets: an old client with a new
// server and a new client with an old server, on TCP, TLS and WebSocket, exchange one-way
// messages, requests and replies and server pushes, each side seeing its own schema's shapes.
import type { Handlers, SessionProtocol } from '@bp/session';
import { createClientSession, ResolvedCodecCache, type SessionError } from '@bp/session';
import { until } from '@bp/test-kit/async';
import { SensorType as S, sensorBroken, sensorV1, sensorV2 } from '@bp/test-kit/evolution';
import { generateTestPki, type TestPki } from '@bp/test-kit/pki';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { type ClientTlsOptions, connect, createServer, type Server } from '../src/index.js';

let pki: TestPki;
beforeAll(() => {
  pki = generateTestPki();
});
afterAll(() => pki?.dispose());

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type AnyProtocol = typeof sensorV1 | typeof sensorV2 | typeof sensorBroken;

/** What the server's handlers saw. */
interface Seen {
  readings: unknown[];
  queries: unknown[];
}

function handlersFor(protocol: AnyProtocol, seen: Seen): Handlers<any> {
  const v2 = protocol === sensorV2;
  return {
    [S.READING]: (reading: unknown) => {
      seen.readings.push(reading);
    },
    [S.QUERY]: (q: any, { session }: any) => {
      seen.queries.push(q);
      const id = v2 ? q.sensor : q.id;
      // A push from the server, in the server's own shape.
      session.send(
        S.READING,
        v2 ? { id: 100 + id, temperature: 30, battery: 7 } : { id: 100 + id, temperature: 30 },
      );
      return v2 ? { id, count: 3, note: 'from v2' } : { id, count: 3 };
    },
  };
}

async function serve(
  protocol: AnyProtocol,
  options: { tls?: boolean; maxVersion?: number; schemaCache?: ResolvedCodecCache } = {},
): Promise<{ server: Server<any>; port: number; seen: Seen }> {
  const seen: Seen = { readings: [], queries: [] };
  const server = createServer<any>({
    protocol,
    handlers: handlersFor(protocol, seen),
    tls: options.tls ? { key: pki.server.key, cert: pki.server.cert } : undefined,
    maxVersion: options.maxVersion,
    schemaCache: options.schemaCache,
  });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => server.close({ deadline: 200 }));
  return { server, port, seen };
}

async function dial(
  protocol: SessionProtocol,
  port: number,
  tls: boolean,
  extra: { maxVersion?: number } = {},
) {
  const client = await connect<any>({
    host: '127.0.0.1',
    port,
    protocol,
    tls: tls ? ({ ca: pki.ca } satisfies ClientTlsOptions) : undefined,
    reconnect: false,
    ...extra,
  });
  cleanups.push(() => client.close({ deadline: 200 }));
  return client;
}

for (const tls of [false, true]) {
  describe(tls ? 'over TLS' : 'over TCP', () => {
    test('old client (v1), new server (v2)', async () => {
      const cache = new ResolvedCodecCache();
      const { port, seen } = await serve(sensorV2, { tls, schemaCache: cache });
      const client = await dial(sensorV1, port, tls);
      const pushes: unknown[] = [];
      client.on(S.READING, (r: unknown) => pushes.push(r));
      client.send(S.READING, { id: 1, temperature: 20 });
      expect(await client.request(S.QUERY, { id: 7 })).toEqual({ id: 7, count: 3 });
      await until(() => pushes.length === 1 && seen.readings.length === 1, 'push and reading');
      expect(seen.readings).toEqual([{ id: 1, temperature: 20, battery: 100 }]);
      expect(seen.queries).toEqual([{ sensor: 7 }]);
      expect(pushes).toEqual([{ id: 107, temperature: 30 }]);
      expect(() => client.send(S.LEGACY, { text: 'gone' })).toThrow(
        expect.objectContaining({ code: 'peer-lacks-type', messageType: S.LEGACY }),
      );
      expect(client.session?.peer).toMatchObject({ version: 2, absentTypes: [S.LEGACY] });
      // Another old client reuses the resolved codecs.
      const again = await dial(sensorV1, port, tls);
      expect(await again.request(S.QUERY, { id: 8 })).toEqual({ id: 8, count: 3 });
      expect(cache.compiles).toBe(3);
    });

    test('new client (v2), old server (v1)', async () => {
      const { port, seen } = await serve(sensorV1, { tls });
      const client = await dial(sensorV2, port, tls);
      const pushes: unknown[] = [];
      client.on(S.READING, (r: unknown) => pushes.push(r));
      client.send(S.READING, { id: 2, temperature: 21, battery: 50 });
      expect(await client.request(S.QUERY, { sensor: 9 })).toEqual({ id: 9, count: 3, note: 'none' });
      await until(() => pushes.length === 1 && seen.readings.length === 1, 'push and reading');
      expect(seen.readings).toEqual([{ id: 2, temperature: 21 }]);
      expect(seen.queries).toEqual([{ id: 9 }]);
      expect(pushes).toEqual([{ id: 109, temperature: 30, battery: 100 }]);
      await expect(client.request(S.STATUS_REQ, { verbose: false })).rejects.toMatchObject({
        code: 'peer-lacks-type',
        messageType: S.STATUS,
      });
      expect(() => client.send(S.ALERT, { level: 3 })).toThrow(/5 \(ALERT\)/);
      // The connection is still fine after the local refusals.
      expect(await client.request(S.QUERY, { sensor: 1 })).toMatchObject({ id: 1 });
    });

    test('an incompatible client is refused with the named field', async () => {
      const { port } = await serve(sensorV1, { tls });
      const error: SessionError = await dial(sensorBroken, port, tls).catch((e) => e);
      expect(error).toMatchObject({
        code: 'schema-mismatch',
        schemaIssues: [{ type: S.READING, name: 'READING', path: 'id', rule: 'type-changed' }],
      });
      expect(error.message).toContain('1 (READING) id: type-changed');
    });

    test('a version-1 peer still works (maxVersion 1 on either side)', async () => {
      const v1Server = await serve(sensorV1, { tls, maxVersion: 1 });
      const client = await dial(sensorV1, v1Server.port, tls);
      expect(client.session?.peer?.version).toBe(1);
      expect(await client.request(S.QUERY, { id: 4 })).toEqual({ id: 4, count: 3 });
      const v2Server = await serve(sensorV1, { tls });
      const v1Client = await dial(sensorV1, v2Server.port, tls, { maxVersion: 1 });
      expect(v1Client.session?.peer?.version).toBe(1);
      expect(await v1Client.request(S.QUERY, { id: 5 })).toEqual({ id: 5, count: 3 });
      // Version 1 with differing schemas: refused as before, without schema issues.
      const refused: SessionError = await dial(sensorV2, v1Server.port, tls).catch((e) => e);
      expect(refused).toMatchObject({ code: 'schema-mismatch', schemaIssues: undefined });
    });
  });
}

describe('over WebSocket (the server endpoint, a ws client session)', () => {
  async function wsSession(url: string, protocol: AnyProtocol) {
    const ws = new WebSocket(url, ['bp.v1']);
    ws.binaryType = 'nodebuffer';
    ws.on('error', () => {});
    cleanups.push(() => ws.terminate());
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const session = createClientSession<any>({
      protocol,
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
    return session;
  }

  test('old client with a new server and new client with an old server; an incompatible one refused', async () => {
    for (const [serverProtocol, clientProtocol] of [
      [sensorV2, sensorV1],
      [sensorV1, sensorV2],
    ] as const) {
      const { server, seen } = await serve(serverProtocol);
      const listener = await server.listenWebSocket({ host: '127.0.0.1', port: 0, path: '/bp' });
      const session = await wsSession(listener.url, clientProtocol);
      await session.ready;
      const pushes: unknown[] = [];
      session.on(S.READING, (r: unknown) => pushes.push(r));
      const v2client = clientProtocol === sensorV2;
      session.send(S.READING, v2client ? { id: 1, temperature: 2, battery: 3 } : { id: 1, temperature: 2 });
      const reply = await session.request(S.QUERY, v2client ? { sensor: 6 } : { id: 6 });
      expect(reply).toEqual(v2client ? { id: 6, count: 3, note: 'none' } : { id: 6, count: 3 });
      await until(() => pushes.length === 1 && seen.readings.length === 1, 'push and reading');
      expect(seen.readings).toEqual([
        v2client ? { id: 1, temperature: 2 } : { id: 1, temperature: 2, battery: 100 },
      ]);
      expect(pushes).toEqual([
        v2client ? { id: 106, temperature: 30, battery: 100 } : { id: 106, temperature: 30 },
      ]);
      await session.close();
    }
    const { server } = await serve(sensorV1);
    const listener = await server.listenWebSocket({ host: '127.0.0.1', port: 0, path: '/bp' });
    const broken = await wsSession(listener.url, sensorBroken);
    await expect(broken.ready).rejects.toMatchObject({
      code: 'schema-mismatch',
      schemaIssues: [{ type: S.READING, path: 'id', rule: 'type-changed' }],
    });
  });
});
