/**
 * Real sessions on loopback, captured with dumpcap: a bp server and client from this test
 * (handshake, a message, requests both ways, a server push, an application error, a schema
 * mismatch, goodbye) over TCP, over WebSocket (bp-flow.v1, with its CREDIT frame) and over TLS with
 * a key log. tshark with the generated dissector, and `bp decode` on the same capture, must show
 * every frame and field value the test sent: one expectation for both. Those pin version 1; one
 * more runs at the default version: an old client against a new server (a SCHEMA exchange) and a
 * call with metadata.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { array, enumeration, f32, ProtocolConfig, string, struct, u8 } from '@bp/codec';
import { ApplicationError, type Session, schemaFingerprint } from '@bp/session';
import { MIN_PROTOCOL_VERSION } from '@bp/session/wire';
import { SensorType as S, sensorV1, sensorV2 } from '@bp/test-kit/evolution';
import { generateTestPki } from '@bp/test-kit/pki';
import { connect as connectWebSocket } from '@bp/transport-browser';
import { connect, createServer } from '@bp/transport-node';
import { afterEach, expect as assert, describe, test } from 'vitest';
import { WebSocket } from 'ws';
import { decodeCapture } from '../src/capture-decoder.js';
import { readCapture } from '../src/capture-reader.js';
import { planOf } from '../src/load-protocol.js';
import { generateDissector } from '../src/lua-dissector.js';
import { protocol, MessageType as T } from './fixtures/sensor-protocol.mjs';
import { expect } from './helpers/expected-frames.js';
import { viewOf } from './helpers/frame-views.js';
import { startCapture } from './helpers/live-capture.js';
import { type FrameView, tsharkFrames } from './helpers/tshark.js';

const plan = planOf(protocol);
const dir = mkdtempSync(join(tmpdir(), 'bp-cli-live-'));
const TOKEN = 'live-secret';
const SERVER_CLOSE_DEADLINE = 4000;
const CLIENT_CLOSE_DEADLINE = 3000;
const MAX_IN_FLIGHT = 64;
/** The protocol version these captures pin. */
const V1 = 1;

const sensor = { sensor1: 21.5, sensor2: 1e-300, station: 'north-7', seq: 18446744073709551615n };
const reading = { values: [-5n, 9007199254740993n], unit: 'celsius', note: 'ok' };
const clientReading = { values: [], unit: 'kelvin', note: undefined };
const config = { target: { kind: 'all', ids: [1, 2] } };
const get1 = { station: 'north', index: 1 };
const get2 = { station: 'south', index: 666 };
const getFromServer = { station: 'client', index: 2 };
const appError = { code: 1042, message: 'no reading 666' };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function startServer(tls?: { key: string; cert: string; keyLog: string }) {
  let serverSession: Session<typeof protocol> | undefined;
  const server = createServer({
    protocol,
    auth: { token: TOKEN },
    tls,
    // These captures test version 1 specifically (what a version-1 peer sends and sees).
    maxVersion: V1,
    limits: {
      heartbeatInterval: 0,
      maxInFlightRequests: MAX_IN_FLIGHT,
      closeDeadline: SERVER_CLOSE_DEADLINE,
    },
    // The fixture is plain JavaScript (the CLI loads it), so its handler types are loose here.
    handlers: {
      [T.GET_READING]: ({ index }: { index: number }) => {
        if (index === 666) throw new ApplicationError(appError.code, appError.message);
        return reading;
      },
      [T.SENSOR_DATA]: (_value: unknown, { session }: { session: Session<typeof protocol> }) => {
        session.send(T.CONFIG, config as never);
      },
    } as never,
  });
  server.onSession((session) => {
    serverSession = session;
  });
  cleanups.push(() => server.close({ deadline: 100 }));
  return { server, session: () => serverSession! };
}

interface Peer {
  send(type: number, value: unknown): unknown;
  request(type: number, value: unknown): Promise<unknown>;
  on(type: number, handler: (value: unknown) => void): unknown;
  close(options: { deadline: number }): Promise<void>;
}

/** The conversation, and what each direction must show for it. */
async function converse(client: Peer, serverSession: () => Session<typeof protocol>) {
  const pushed = new Promise((resolve) => client.on(T.CONFIG, resolve));
  client.send(T.SENSOR_DATA, sensor);
  assert(await pushed).toEqual(config);
  assert(await client.request(T.GET_READING, get1)).toEqual(reading);
  await assert(client.request(T.GET_READING, get2)).rejects.toMatchObject({ wireCode: appError.code });
  assert(await serverSession().request(T.GET_READING, getFromServer)).toEqual(clientReading);
  await client.close({ deadline: CLIENT_CLOSE_DEADLINE });
}

const size = (type: number, value: unknown, id: boolean) =>
  (id ? 4 : 0) + protocol.messageByteLength(type as never, value as never);
const fp = schemaFingerprint(protocol.describe());

function expectedClientToServer(): FrameView[] {
  return [
    expect.hello({
      minVersion: MIN_PROTOCOL_VERSION,
      maxVersion: V1,
      maxPayloadSize: protocol.maxPayloadSize,
      fingerprint: fp.fingerprint,
      token: TOKEN,
      digests: fp.digests,
    }),
    expect.message(plan, 4, T.SENSOR_DATA, sensor, size(T.SENSOR_DATA, sensor, false)),
    expect.message(plan, 5, T.GET_READING, get1, size(T.GET_READING, get1, true), 1),
    expect.message(plan, 5, T.GET_READING, get2, size(T.GET_READING, get2, true), 2),
    expect.message(plan, 6, T.READING, clientReading, size(T.READING, clientReading, true), 1),
    expect.goodbye({ code: 0, deadline: CLIENT_CLOSE_DEADLINE, reason: '' }),
  ];
}

function expectedServerToClient(): FrameView[] {
  return [
    expect.welcome({
      version: V1,
      maxPayloadSize: protocol.maxPayloadSize,
      heartbeatInterval: 0,
      maxInFlight: MAX_IN_FLIGHT,
    }),
    expect.message(plan, 4, T.CONFIG, config, size(T.CONFIG, config, false)),
    expect.message(plan, 6, T.READING, reading, size(T.READING, reading, true), 1),
    expect.error({ requestId: 2, ...appError }),
    expect.message(plan, 5, T.GET_READING, getFromServer, size(T.GET_READING, getFromServer, true), 1),
    expect.goodbye({ code: 0, deadline: SERVER_CLOSE_DEADLINE, reason: '' }),
  ];
}

/** Frames per direction `srcPort>dstPort`, from tshark and from bp decode. */
function directions(
  capture: string,
  lua: string,
  tsharkArgs: string[] = [],
  decode = true,
  decodePlan = plan,
) {
  const shark = new Map<string, FrameView[]>();
  for (const packet of tsharkFrames(capture, lua, tsharkArgs)) {
    const key = `${packet.srcPort}>${packet.dstPort}`;
    shark.set(key, [...(shark.get(key) ?? []), ...packet.frames]);
  }
  const decoded = new Map<string, FrameView[]>();
  const result = decodeCapture(readCapture(new Uint8Array(readFileSync(capture))), {
    plan: decodePlan,
  });
  if (decode) {
    for (const record of result.records) {
      const [, src, dst] = /:(\d+) -> .*:(\d+)$/.exec(record.stream!)!;
      const key = `${src}>${dst}`;
      decoded.set(key, [...(decoded.get(key) ?? []), viewOf(record.frame)]);
    }
  }
  return { shark, decoded, notes: result.notes };
}

describe('captured sessions', () => {
  test('TCP at the default version: an old client resolves its schema with a new server, then calls with metadata', async () => {
    const server = createServer({
      protocol: sensorV2,
      limits: { heartbeatInterval: 0 },
      handlers: {
        [S.QUERY]: ({ sensor }: { sensor: number }) => ({ id: sensor, count: 3, note: 'ok' }),
      } as never,
    });
    cleanups.push(() => server.close({ deadline: 100 }));
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    const capture = await startCapture(join(dir, 'tcp-v3.pcapng'), [port]);
    cleanups.push(() => capture.stop());
    const client = await connect({ host: '127.0.0.1', port, protocol: sensorV1 });
    const metadata = { tenant: 'acme', authorization: 'Bearer s3cret', 'x-session-token': 'abc' };
    assert(await client.request(S.QUERY, { id: 7 }, { metadata } as never)).toEqual({ id: 7, count: 3 });
    await client.close({ deadline: CLIENT_CLOSE_DEADLINE });
    await capture.stop();

    // After resolution the wire carries the client's schemas both ways: dissect with those.
    const clientPlan = planOf(sensorV1);
    const lua = join(dir, 'tcp-v3.lua');
    writeFileSync(lua, generateDissector(clientPlan, { ports: [port] }));
    const { shark, decoded } = directions(capture.file, lua, [], true, clientPlan);
    assert(decoded).toEqual(shark);
    const frames = [...shark.values()].flat();
    const kinds = (k: number) => frames.filter((f) => f.fields['bp.kind'][0] === String(k));
    assert(frames.flatMap((f) => f.experts)).toEqual([]);
    const [hello] = kinds(1);
    assert(hello.fields['bp.hello.max_version']).toEqual(['3']);
    assert(hello.fields['bp.hello.extension.tag']).toEqual(['1']);
    assert(kinds(2)[0].fields['bp.welcome.version']).toEqual(['3']);
    const schema = kinds(13);
    assert(schema.map((f) => f.fields['bp.schema.phase'][0]).sort()).toEqual(['1', '2']);
    const request = schema.find((f) => f.fields['bp.schema.phase'][0] === '1')!;
    const descriptors = schema.find((f) => f.fields['bp.schema.phase'][0] === '2')!;
    assert(request.fields['bp.schema.type'].length).toBeGreaterThan(0);
    assert(descriptors.fields['bp.schema.type']).toEqual(request.fields['bp.schema.type']);
    for (const text of descriptors.fields['bp.schema.descriptor']) assert(text).toMatch(/^\{"schema":/);
    const [meta] = kinds(12);
    assert(meta.fields).toMatchObject({
      'bp.request_id': ['1'],
      'bp.metadata.count': ['3'],
      'bp.metadata.key': ['authorization', 'tenant', 'x-session-token'],
      'bp.metadata.value': ['***', '*************', 'acme'],
    });
  });

  test('TCP: handshake, messages, requests both ways, push, error, goodbye, and a schema mismatch', async () => {
    const { server, session } = startServer();
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    const capture = await startCapture(join(dir, 'tcp.pcapng'), [port]);
    cleanups.push(() => capture.stop());
    const client = await connect({
      host: '127.0.0.1',
      port,
      protocol,
      token: TOKEN,
      maxVersion: V1,
      handlers: { [T.GET_READING]: () => clientReading } as never,
    });
    const clientPort = client.socket!.localPort!;
    await converse(client as unknown as Peer, session);

    // A client whose CONFIG differs and that has a type 9 the server lacks.
    const other = new ProtocolConfig({
      messageTypeEnum: { ...T, EXTRA: 9 },
      messageStructures: {
        ...protocol.messageStructures,
        [T.CONFIG]: struct({ level: u8 }),
        9: struct({ tags: array(string()), mode: enumeration(['a', 'b']), x: f32 }),
      },
      responses: protocol.responses,
    });
    await assert(
      connect({ host: '127.0.0.1', port, protocol: other, token: TOKEN, maxVersion: V1 }),
    ).rejects.toMatchObject({
      code: 'schema-mismatch',
    });
    await capture.stop();

    const lua = join(dir, 'tcp.lua');
    writeFileSync(lua, generateDissector(plan, { ports: [port] }));
    const { shark, decoded } = directions(capture.file, lua);
    const otherFp = schemaFingerprint(other.describe());
    const otherPort = [...shark.keys()]
      .map((k) => Number(k.split('>')[0]))
      .find((p) => p !== port && p !== clientPort)!;
    const expected = new Map([
      [`${clientPort}>${port}`, expectedClientToServer()],
      [`${port}>${clientPort}`, expectedServerToClient()],
      [
        `${otherPort}>${port}`,
        [
          expect.hello({
            minVersion: MIN_PROTOCOL_VERSION,
            maxVersion: V1,
            maxPayloadSize: other.maxPayloadSize,
            fingerprint: otherFp.fingerprint,
            token: TOKEN,
            digests: otherFp.digests,
          }),
        ],
      ],
      [
        `${port}>${otherPort}`,
        [
          expect.reject({
            code: 14,
            minVersion: MIN_PROTOCOL_VERSION,
            maxVersion: V1,
            reason: 'schema mismatch: 4 (CONFIG) differs, 9 only on the client',
            details: [
              { type: 4, status: 1 },
              { type: 9, status: 2 },
            ],
          }),
        ],
      ],
    ]);
    assert(shark).toEqual(expected);
    assert(decoded).toEqual(expected);
  });

  test.each([
    ['bp-flow.v1', true],
    ['bp.v1', false],
  ] as const)(
    'WebSocket with %s: the same conversation (and with flow control, the client CREDIT frame)',
    async (_subprotocol, flowControl) => {
      const { server, session } = startServer();
      const listener = await server.listenWebSocket({
        host: '127.0.0.1',
        port: 0,
        path: '/bp',
        flowControl,
      } as never);
      const port = listener.port;
      const capture = await startCapture(join(dir, `ws-${flowControl}.pcap`), [port], 'pcap');
      cleanups.push(() => capture.stop());
      const client = await connectWebSocket(listener.url, {
        protocol,
        token: TOKEN,
        WebSocket: WebSocket as never,
        reconnect: false,
        maxVersion: V1,
        handlers: { [T.GET_READING]: () => clientReading } as never,
      });
      await converse(client as unknown as Peer, session);
      await capture.stop();

      const lua = join(dir, `ws-${flowControl}.lua`);
      writeFileSync(lua, generateDissector(plan, { webSocketPorts: [port] }));
      const { shark, decoded } = directions(capture.file, lua);
      const credit = expect.credit(262144 - 65536);
      for (const views of [shark, decoded]) {
        const toServer = [...views].find(([k]) => k.endsWith(`>${port}`))![1];
        const toClient = [...views].find(([k]) => k.startsWith(`${port}>`))![1];
        assert(toServer.filter((f) => f.fields['bp.kind'][0] === '15')).toEqual(flowControl ? [credit] : []);
        assert(toServer.filter((f) => f.fields['bp.kind'][0] !== '15')).toEqual(expectedClientToServer());
        assert(toClient).toEqual(expectedServerToClient());
      }
    },
  );

  test('TLS with a key log: tshark decrypts and dissects the conversation; bp decode says it cannot', async () => {
    const keyLog = join(dir, 'server-keys.log');
    const clientKeyLog = join(dir, 'client-keys.log');
    const pki = generateTestPki();
    cleanups.push(() => pki.dispose());
    const { server, session } = startServer({ ...pki.server, keyLog });
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    const capture = await startCapture(join(dir, 'tls.pcapng'), [port]);
    cleanups.push(() => capture.stop());
    const client = await connect({
      host: '127.0.0.1',
      port,
      protocol,
      token: TOKEN,
      tls: { ca: pki.ca, keyLog: clientKeyLog },
      maxVersion: V1,
      handlers: { [T.GET_READING]: () => clientReading } as never,
    });
    const clientPort = client.socket!.localPort!;
    await converse(client as unknown as Peer, session);
    await capture.stop();

    // Both sides wrote the same TLS 1.3 secrets, in the SSLKEYLOGFILE format.
    const serverLines = readFileSync(keyLog, 'utf8').trim().split('\n').sort();
    assert(serverLines.some((l) => /^CLIENT_TRAFFIC_SECRET_0 [0-9a-f]{64} [0-9a-f]+$/.test(l))).toBe(true);
    assert(readFileSync(clientKeyLog, 'utf8').trim().split('\n').sort()).toEqual(serverLines);

    const lua = join(dir, 'tls.lua');
    writeFileSync(lua, generateDissector(plan, { tlsPorts: [port] }));
    const { shark, decoded, notes } = directions(capture.file, lua, ['-o', `tls.keylog_file:${keyLog}`]);
    assert(shark).toEqual(
      new Map([
        [`${clientPort}>${port}`, expectedClientToServer()],
        [`${port}>${clientPort}`, expectedServerToClient()],
      ]),
    );
    assert(decoded.size).toBe(0);
    assert(notes.some((n) => n.includes('TLS'))).toBe(true);
  });

  test('without keyLog no key file is written, even with SSLKEYLOGFILE set', async () => {
    const file = join(dir, 'env-keys.log');
    const saved = process.env.SSLKEYLOGFILE;
    process.env.SSLKEYLOGFILE = file;
    cleanups.push(() => {
      if (saved === undefined) delete process.env.SSLKEYLOGFILE;
      else process.env.SSLKEYLOGFILE = saved;
    });
    const pki = generateTestPki();
    cleanups.push(() => pki.dispose());
    const lines: string[] = [];
    const server = createServer({
      protocol,
      tls: { ...pki.server, keyLog: (line) => lines.push(line.toString()) },
    });
    cleanups.push(() => server.close({ deadline: 100 }));
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    const client = await connect({ host: '127.0.0.1', port, protocol, tls: { ca: pki.ca } });
    await client.close({ deadline: 100 });
    assert(existsSync(file)).toBe(false);
    assert(lines.length).toBeGreaterThan(0);
    // `keyLog: true` takes the file from SSLKEYLOGFILE.
    const again = await connect({ host: '127.0.0.1', port, protocol, tls: { ca: pki.ca, keyLog: true } });
    await again.close({ deadline: 100 });
    assert(readFileSync(file, 'utf8')).toMatch(/^CLIENT_HANDSHAKE_TRAFFIC_SECRET /m);
  });
});
