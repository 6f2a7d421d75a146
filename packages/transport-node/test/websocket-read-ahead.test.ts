import { bytes, ProtocolConfig, struct, u32 } from '@bp/codec';
import { schemaFingerprint } from '@bp/session';
import {
  encodeCredit,
  encodeHello,
  encodeMessageFrame,
  encodeRequestFrame,
  FLOW_SUBPROTOCOL,
  FrameKind,
} from '@bp/session/wire';
import { until } from '@bp/test-kit/async';
import { afterEach, describe, expect, test } from 'vitest';
import type { WebSocket } from 'ws';
import { createServer } from '../src/index.js';
import { DEFAULT_READ_AHEAD, defaultReadAhead, maxWebSocketPayload } from '../src/websocket-limits.js';
import { openWebSocket } from './fixtures/websocket-client.js';

// Issue 15: with bp-flow.v1 the endpoint keeps reading a client's messages while its replies wait
// for credit, up to a fixed 64 MiB per connection. The read-ahead is now `maxReadAhead`, derived
// from the endpoint's maxPayload, and a client past it is closed with slow-consumer.

enum Type {
  ECHO = 1,
  ECHOED = 2,
  NOTE = 3,
}
const protocol = new ProtocolConfig({
  messageTypeEnum: Type,
  messageStructures: {
    [Type.ECHO]: struct({ data: bytes() }),
    [Type.ECHOED]: struct({ data: bytes() }),
    [Type.NOTE]: struct({ seq: u32, data: bytes() }),
  },
  responses: { [Type.ECHO]: Type.ECHOED },
  maxPayloadSize: 64 * 1024,
});
const TOKEN = 'read-ahead';
const SIZE = 60_000;
/** Room for 5 of the 60 KB messages below and not 6. */
const READ_AHEAD = 5 * (SIZE + 16) + 1000;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function hello(): Uint8Array {
  const { fingerprint, digests } = schemaFingerprint(protocol.describe());
  return encodeHello({
    minVersion: 1,
    maxVersion: 1,
    maxPayloadSize: protocol.maxPayloadSize,
    fingerprint,
    token: TOKEN,
    digests,
  });
}

/** A flow-controlled raw client that grants no credit: its replies pile up at the server. */
async function stalledClient(
  url: string,
): Promise<{ ws: WebSocket; responses: () => number; closed: Promise<number> }> {
  const ws = await openWebSocket(url, cleanups, [FLOW_SUBPROTOCOL]);
  let responses = 0;
  let welcomed = false;
  ws.on('message', (data: Buffer) => {
    // Each server message holds whole frames; count RESPONSEs by walking the headers.
    for (let at = 0; at + 4 <= data.length; ) {
      const header = data.readUInt32BE(at);
      if (header >>> 28 === FrameKind.WELCOME) welcomed = true;
      if (header >>> 28 === FrameKind.RESPONSE) responses++;
      at += 4 + (header & 0x0fffffff);
    }
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.send(hello());
  await until(() => welcomed, 'WELCOME');
  // Three echoes of 60 KB: the initial credit (64 KiB) lets two replies out, the third waits.
  const echo = (id: number) =>
    ws.send(encodeRequestFrame(protocol, id, Type.ECHO, { data: new Uint8Array(SIZE) }));
  for (let id = 1; id <= 3; id++) echo(id);
  await until(() => responses === 2, 'two replies within the initial credit');
  // Two more fill the session's queue past maxQueuedBytes: it stops reading, and its transport
  // keeps reading (for the credit) into the read-ahead.
  echo(4);
  echo(5);
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { ws, responses: () => responses, closed };
}

async function serve(maxReadAhead?: number) {
  const endings: (Error | undefined)[] = [];
  const server = createServer({
    protocol,
    auth: { token: TOKEN },
    handlers: { [Type.ECHO]: ({ data }) => ({ data }), [Type.NOTE]: () => {} },
    // A small outgoing queue, so that the session stops reading after two more waiting replies.
    limits: { heartbeatInterval: 0, maxQueuedBytes: 64 * 1024, lowWaterMark: 16 * 1024 },
  });
  server.onSession((session) => session.onClose((error) => endings.push(error)));
  const listener = await server.listenWebSocket({ port: 0, path: '/', maxReadAhead });
  cleanups.push(() => server.close({ deadline: 200 }));
  return { url: listener.url, endings, listener };
}

const note = (seq: number) => encodeMessageFrame(protocol, Type.NOTE, { seq, data: new Uint8Array(SIZE) });

describe('the WebSocket read-ahead while replies wait for credit', () => {
  test('defaults to 32 of the largest accepted messages, from maxPayloadSize', async () => {
    const { listener } = await serve();
    expect(listener.maxPayload).toBe(maxWebSocketPayload(protocol.maxPayloadSize, protocol.headerSize));
    expect(defaultReadAhead(listener.maxPayload)).toBe(32 * listener.maxPayload);
    expect(DEFAULT_READ_AHEAD).toBe(32 * maxWebSocketPayload(1024 * 1024, 2));
  });

  test('below maxReadAhead the connection waits for credit and then goes on', async () => {
    const { url, endings } = await serve(READ_AHEAD);
    const client = await stalledClient(url);
    // Echo 5 (if it came after the pause) and 3 notes: at most 4 messages held.
    for (let seq = 0; seq < 3; seq++) client.ws.send(note(seq));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.ws.send(encodeCredit(1024 * 1024));
    await until(() => client.responses() === 5, 'every reply once credit came');
    expect(endings).toEqual([]);
  });

  test('messages past maxReadAhead close the connection with slow-consumer (1006 at the client)', async () => {
    const { url, endings } = await serve(READ_AHEAD);
    const client = await stalledClient(url);
    for (let seq = 0; seq < 8; seq++) client.ws.send(note(seq));
    expect(await client.closed).toBe(1006);
    await until(() => endings.length === 1, 'the server session ended');
    // The session reports the transport's close, with the transport's reason as its cause.
    expect(endings[0]).toMatchObject({ code: 'connection-closed', cause: { code: 'slow-consumer' } });
    expect(endings[0]?.message).toContain(`maxReadAhead ${READ_AHEAD}`);
  });
});
