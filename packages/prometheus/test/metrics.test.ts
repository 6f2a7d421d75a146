// Real calls over TCP on 127.0.0.1, then a real scrape of /metrics over HTTP.
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { ApplicationError } from '@bp/session';
import { transportProtocol as protocol, TransportType as T, TOKEN } from '@bp/test-kit/protocols';
import { connect, createServer } from '@bp/transport-node';
import { Registry } from 'prom-client';
import { afterAll, expect, test } from 'vitest';
import { metricsInterceptor } from '../src/index.js';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The value of one sample line of a scrape, e.g. `bp_calls_total{direction="incoming",...}`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.lastIndexOf('}'));
    const found = Object.fromEntries(
      [...inside.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]] as const),
    );
    if (
      Object.entries(labels).every(([k, v]) => found[k] === v) &&
      Object.keys(found).length === Object.keys(labels).length
    ) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

test('requests, errors and latency per message type, scraped from a real /metrics', async () => {
  const registry = new Registry();
  const server = createServer({
    protocol,
    auth: { token: TOKEN },
    interceptors: [metricsInterceptor({ registry })],
    handlers: {
      [T.GET]: ({ key }) => {
        if (key === 'missing') throw new ApplicationError(1404, 'no such key');
        return { key, value: 1 };
      },
      [T.STATUS]: () => {},
    },
  });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => server.close({ deadline: 200 }));
  // The client side in the same registry: its interceptor shares the metrics, told apart by direction.
  const client = await connect({
    host: '127.0.0.1',
    port,
    protocol,
    token: TOKEN,
    interceptors: [metricsInterceptor({ registry })],
  });
  cleanups.push(() => client.close({ deadline: 200 }));

  for (let i = 0; i < 3; i++) await client.request(T.GET, { key: 'k' });
  await expect(client.request(T.GET, { key: 'missing' })).rejects.toMatchObject({ wireCode: 1404 });
  client.send(T.STATUS, { code: 1, text: 'x' });
  await client.request(T.GET, { key: 'k' }); // after the STATUS: the server has handled it

  const http = createHttpServer(async (request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': registry.contentType });
    response.end(await registry.metrics());
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  cleanups.push(() => new Promise((resolve) => http.close(resolve)));
  const address = http.address() as { port: number };
  const scrape = await fetch(`http://127.0.0.1:${address.port}/metrics`);
  expect(scrape.status).toBe(200);
  expect(scrape.headers.get('content-type')).toContain('text/plain');
  const text = await scrape.text();

  const get = { kind: 'request', type: 'GET' };
  expect(sample(text, 'bp_calls_total', { direction: 'incoming', ...get })).toBe(5);
  expect(sample(text, 'bp_calls_total', { direction: 'outgoing', ...get })).toBe(5);
  expect(
    sample(text, 'bp_call_errors_total', { direction: 'incoming', ...get, code: 'application-error' }),
  ).toBe(1);
  expect(
    sample(text, 'bp_call_errors_total', { direction: 'outgoing', ...get, code: 'application-error' }),
  ).toBe(1);
  expect(sample(text, 'bp_calls_total', { direction: 'incoming', kind: 'message', type: 'STATUS' })).toBe(1);
  expect(sample(text, 'bp_calls_total', { direction: 'outgoing', kind: 'message', type: 'STATUS' })).toBe(1);
  expect(sample(text, 'bp_call_duration_seconds_count', { direction: 'incoming', ...get })).toBe(5);
  expect(sample(text, 'bp_call_duration_seconds_bucket', { direction: 'incoming', ...get, le: '+Inf' })).toBe(
    5,
  );
  expect(sample(text, 'bp_calls_in_flight', { direction: 'incoming', ...get })).toBe(0);
  expect(text).toContain('# TYPE bp_call_duration_seconds histogram');
});

test('a broadcast to rooms counts once per type, and its members by result', async () => {
  const registry = new Registry();
  const server = createServer({
    protocol,
    auth: { token: TOKEN },
    interceptors: [metricsInterceptor({ registry })],
  });
  server.onSession((session) => server.rooms.join(session, 'room'));
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => server.close({ deadline: 200 }));
  const clients = await Promise.all(
    [0, 1].map(() => connect({ host: '127.0.0.1', port, protocol, token: TOKEN })),
  );
  cleanups.push(() => Promise.all(clients.map((client) => client.close({ deadline: 200 }))));
  let received = 0;
  const all = new Promise<void>((resolve) => {
    for (const client of clients) client.on(T.STATUS, () => ++received === 6 && resolve());
  });
  while (server.rooms.members('room').size < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  for (let i = 0; i < 3; i++) server.rooms.broadcast(T.STATUS, { code: i, text: 'b' }, { to: 'room' });
  await all;
  const text = await registry.metrics();
  const broadcast = { direction: 'outgoing', kind: 'broadcast', type: 'STATUS' };
  expect(sample(text, 'bp_calls_total', broadcast)).toBe(3);
  expect(sample(text, 'bp_call_duration_seconds_count', broadcast)).toBe(3);
  expect(sample(text, 'bp_calls_in_flight', broadcast)).toBe(0);
  expect(sample(text, 'bp_broadcast_members_total', { type: 'STATUS', result: 'sent' })).toBe(6);
  // Not counted as six pushes.
  expect(sample(text, 'bp_calls_total', { direction: 'outgoing', kind: 'message', type: 'STATUS' })).toBe(
    undefined,
  );
});
