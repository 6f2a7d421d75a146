import { Protocol } from '@bp/codec';
import { isSessionError } from '@bp/session';
import { until } from '@bp/test-kit/async';
import {
  checksum,
  expectedValue,
  TransportType as MessageType,
  transportProtocol as protocol,
  type TransportProtocol as TestProtocol,
  TOKEN,
} from '@bp/test-kit/protocols';
import { afterEach, describe, expect, test } from 'vitest';
import { type Client, type ConnectOptions, connect, type Server, type ServerOptions } from '../src/index.js';
import { codeOf } from './fixtures/raw-client.js';
import { startServer } from './fixtures/server.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function setup(
  serverOptions: Partial<ServerOptions<TestProtocol>> = {},
  clientOptions: Partial<ConnectOptions<TestProtocol>> = {},
): Promise<{ server: Server<TestProtocol>; port: number; client: Client<TestProtocol> }> {
  const { server, port } = await startServer(serverOptions);
  cleanups.push(() => server.close({ deadline: 500 }));
  const client = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN, ...clientOptions });
  cleanups.push(() => client.close({ deadline: 500 }));
  return { server, port, client };
}

/** A BLOB whose payload is exactly `payloadSize` bytes (length prefix included). */
function blobWithPayload(payloadSize: number): { data: Uint8Array } {
  const overhead = protocol.messageByteLength(MessageType.BLOB, { data: new Uint8Array(0) });
  const data = new Uint8Array(payloadSize - (overhead - protocol.headerSize));
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + 3) & 0xff;
  return { data };
}

describe('TCP', () => {
  test('request/response round trip, address() and connection count', async () => {
    const { server, client } = await setup();
    expect(server.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    expect(server.address().port).toBeGreaterThan(0);
    const value = await client.request(MessageType.GET, { key: 'a' });
    expect(value).toEqual({ key: 'a', value: expectedValue('a') });
    expect(server.connections).toBe(1);
    expect(server.stats()).toMatchObject({ connections: 1, sessions: 1, accepted: 1 });
    expect(client.state).toBe('open');
  });

  test('a client with a Protocol of the same schema talks to a ProtocolConfig server', async () => {
    const bpOnly = new Protocol({
      messageTypeEnum: MessageType,
      messageStructures: protocol.messageStructures,
      responses: protocol.responses,
    });
    const { port } = await setup();
    const client = await connect({ host: '127.0.0.1', port, protocol: bpOnly, token: TOKEN });
    cleanups.push(() => client.close({ deadline: 500 }));
    expect(await client.request(MessageType.GET, { key: 'b' })).toEqual({
      key: 'b',
      value: expectedValue('b'),
    });
  });

  test('handlers get the principal from authentication', async () => {
    const { client } = await setup();
    const identity = await client.request(MessageType.WHOAMI, {});
    expect(JSON.parse(identity.principal)).toEqual({ method: 'token' });
  });

  test('1000 requests in flight on one connection, each answered correctly', async () => {
    const { client } = await setup();
    const keys = Array.from({ length: 1000 }, (_, i) => `key-${i}`);
    const replies = await Promise.all(keys.map((key) => client.request(MessageType.GET, { key })));
    expect(replies.map((reply) => reply.key)).toEqual(keys);
    for (const reply of replies) expect(reply.value).toBe(expectedValue(reply.key));
  });

  test('server push reaches on() listeners and messages() iterators', async () => {
    const { server, client } = await setup();
    const seen: number[] = [];
    client.on(MessageType.STATUS, (status) => seen.push(status.code));
    const iterator = client.messages(MessageType.STATUS);
    const [session] = [...server.sessions()];
    await session.ready;
    for (let code = 1; code <= 50; code++) session.send(MessageType.STATUS, { code, text: `status ${code}` });
    const iterated: number[] = [];
    for await (const status of iterator) {
      iterated.push(status.code);
      expect(status.text).toBe(`status ${status.code}`);
      if (iterated.length === 50) break;
    }
    expect(iterated).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(seen).toEqual(iterated);
  });

  test('full duplex: server requests to the client while the client requests and streams', async () => {
    const received: number[] = [];
    const { server, client } = await setup(
      {
        handlers: {
          [MessageType.GET]: ({ key }) => ({ key, value: expectedValue(key) }),
          [MessageType.SENSOR_DATA]: (reading) => {
            received.push(reading.seq);
          },
        },
      },
      { handlers: { [MessageType.ASK_CLIENT]: ({ question }) => ({ answer: question.toUpperCase() }) } },
    );
    const [session] = [...server.sessions()];
    await session.ready;
    const fromServer = Array.from({ length: 200 }, (_, i) =>
      session.request(MessageType.ASK_CLIENT, { question: `q${i}` }),
    );
    const fromClient = Array.from({ length: 200 }, (_, i) =>
      client.request(MessageType.GET, { key: `k${i}` }),
    );
    for (let seq = 0; seq < 500; seq++) {
      client.send(MessageType.SENSOR_DATA, { seq, time: seq / 10, x: 1, y: 2, z: 3 });
    }
    const answers = await Promise.all(fromServer);
    const values = await Promise.all(fromClient);
    expect(answers.map((a) => a.answer)).toEqual(Array.from({ length: 200 }, (_, i) => `Q${i}`));
    expect(values.map((v) => v.value)).toEqual(Array.from({ length: 200 }, (_, i) => expectedValue(`k${i}`)));
    await until(() => received.length === 500, 'all sensor readings');
    expect(received).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  test('payloads of exactly maxPayloadSize pass both ways; one byte more fails locally', async () => {
    const { client } = await setup();
    const blob = blobWithPayload(protocol.maxPayloadSize);
    const ack = await client.request(MessageType.BLOB, blob);
    expect(ack).toEqual({ size: blob.data.length, checksum: checksum(blob.data) });
    const tooBig = blobWithPayload(protocol.maxPayloadSize + 1);
    const error = await client.request(MessageType.BLOB, tooBig).catch((e: unknown) => e);
    expect(isSessionError(error)).toBe(true);
    expect(codeOf(error)).toBe('payload-too-large');
    // The connection is unaffected.
    expect(await client.request(MessageType.GET, { key: 'still' })).toEqual({
      key: 'still',
      value: expectedValue('still'),
    });
  });

  test('several big payloads in flight at once arrive intact', async () => {
    const { client } = await setup();
    const blobs = [0.5, 0.75, 0.99, 1].map((f) => blobWithPayload(Math.floor(protocol.maxPayloadSize * f)));
    const acks = await Promise.all(blobs.map((blob) => client.request(MessageType.BLOB, blob)));
    expect(acks).toEqual(blobs.map((blob) => ({ size: blob.data.length, checksum: checksum(blob.data) })));
  });

  test('client.drained() and send() backpressure with a small queue', async () => {
    let count = 0;
    const { client } = await setup(
      {
        handlers: {
          [MessageType.SENSOR_DATA]: () => {
            count++;
          },
        },
      },
      { limits: { maxQueuedBytes: 4096 } },
    );
    let sent = 0;
    let sawBackpressure = false;
    for (let seq = 0; seq < 20_000; seq++) {
      if (!client.send(MessageType.SENSOR_DATA, { seq, time: 0, x: 0, y: 0, z: 0 })) {
        sawBackpressure = true;
        await client.drained();
      }
      sent++;
    }
    expect(sawBackpressure).toBe(true);
    await until(() => count === sent, 'all messages handled', 10_000);
  });

  test('requests fail with closed after close; close() resolves after the socket closed', async () => {
    const { server, client } = await setup();
    const socket = client.socket!;
    await client.close();
    expect(socket.destroyed).toBe(true);
    expect(client.state).toBe('closed');
    const error = await client.request(MessageType.GET, { key: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ClientError', code: 'closed' });
    expect(() => client.send(MessageType.STATUS, { code: 1, text: '' })).toThrow(/closed/);
    await until(() => server.connections === 0, 'server saw the close');
  });
});
