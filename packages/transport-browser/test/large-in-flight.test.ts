// Many large requests in flight over a real WebSocket endpoint with the receive window on: the
// client's CREDIT for the first reply is queued behind megabytes of its own requests, so the
// server must keep reading (not pause its socket) while its replies wait for that credit.
import { bytes, ProtocolConfig, struct, u32 } from '@bp/codec';
import { createServer } from '@bp/transport-node';
import { afterEach, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { connect, type WebSocketConstructor } from '../src/index.js';

const SIZE = 1024 * 1024;
const IN_FLIGHT = 16;
const TOKEN = 'large-in-flight';
const protocol = new ProtocolConfig({
  messageStructures: {
    1: struct({ seq: u32, data: bytes() }),
    2: struct({ seq: u32, data: bytes() }),
  },
  responses: { 1: 2 },
  maxPayloadSize: 2 * SIZE,
});
// As the benchmark runs it: the outgoing queue takes the whole burst without closing the session.
const limits = { maxPayloadSize: 2 * SIZE, idleTimeout: 0, maxQueuedBytes: 4 * SIZE };

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

test(`${IN_FLIGHT} requests of 1 MiB in flight with the receive window all get their replies`, async () => {
  const server = createServer({
    protocol,
    auth: { token: TOKEN },
    limits,
    handlers: { 1: (value: { seq: number; data: Uint8Array }) => value },
  });
  const listener = await server.listenWebSocket({ host: '127.0.0.1', port: 0, path: '/bp' });
  cleanups.push(() => server.close());
  const client = await connect(`ws://127.0.0.1:${listener.port}/bp`, {
    protocol,
    token: TOKEN,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    limits,
    reconnect: false,
  });
  cleanups.push(() => client.close());

  const data = new Uint8Array(SIZE - 16);
  for (let i = 0; i < data.length; i += 4096) data[i] = i / 4096;
  const replies = Promise.all(
    Array.from({ length: IN_FLIGHT }, (_, seq) => client.request(1, { seq, data: data.subarray(seq) })),
  );
  // Before the fix this never settled; a bounded wait turns a stall into a failure.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<'stalled'>((resolve) => {
    timer = setTimeout(() => resolve('stalled'), 20_000);
  });
  const result = await Promise.race([replies, stalled]);
  clearTimeout(timer);
  expect(result).not.toBe('stalled');
  const values = result as { seq: number; data: Uint8Array }[];
  expect(values.map((value) => value.seq)).toEqual(Array.from({ length: IN_FLIGHT }, (_, seq) => seq));
  for (const { seq, data: echoed } of values) {
    expect(echoed.length).toBe(data.length - seq);
    expect(echoed[0]).toBe(data[seq]);
    expect(echoed[echoed.length - 1]).toBe(data[data.length - 1]);
  }
}, 30_000);
