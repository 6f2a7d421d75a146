import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { BlobValue, MessageName, Messages, StreamReport } from '../workload/messages.js';
import { startPushes } from '../workload/push-scheduler.js';
import { StreamChecker } from '../workload/stream-checker.js';
import { fromBase64Blob, toBase64Blob } from './envelope.js';
import type { BenchClient, BenchServer, ClientSettings, Competitor } from './types.js';

/**
 * HTTP/1.1 + JSON: a node:http server and an undici keep-alive pool, the REST-style pick.
 * HTTP/1.1 cannot have two requests in flight on one connection without pipelining (which
 * hardly anyone enables), so the pool opens as many connections as the workload has requests in
 * flight; every other alternative uses one. One-way messages are POSTs answered by 204, with
 * their stream position in the URL because a pool does not keep order; pushes are
 * Server-Sent Events.
 */
export const httpJsonCompetitor: Competitor = {
  startServer: startHttpServer,
  connect: connectHttp,
};

const NAMES = new Set<string>(['sensor', 'fixed4', 'blob']);
const MAX_BODY = 64 * 1024 * 1024;

const toJson = (name: MessageName, value: unknown) =>
  JSON.stringify(name === 'blob' ? toBase64Blob(value as BlobValue) : value);
const fromJson = (name: MessageName, text: string) => {
  const parsed = JSON.parse(text);
  return name === 'blob' ? fromBase64Blob(parsed) : parsed;
};

function startHttpServer(): Promise<BenchServer> {
  const checkers = new Map<string, StreamChecker>();
  const sockets = new Set<Socket>();
  const checkerOf = (client: string) => {
    let checker = checkers.get(client);
    if (checker === undefined) checkers.set(client, (checker = new StreamChecker()));
    return checker;
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [, action, name] = url.pathname.split('/');
    const client = String(req.headers['x-client'] ?? '');
    if (action === 'events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const stop = startPushes(
        {
          intervalMs: Number(url.searchParams.get('interval')),
          size: Number(url.searchParams.get('size')),
          count: Number(url.searchParams.get('count')),
        },
        (value) => res.write(`data: ${toJson('blob', value)}\n\n`),
      );
      res.on('close', stop);
      return;
    }
    if (action === 'report') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(checkerOf(client).report()));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (name === undefined || !NAMES.has(name)) {
        res.writeHead(404).end();
        return;
      }
      const body = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      const value = fromJson(name as MessageName, body);
      if (action === 'request') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(toJson(name as MessageName, value));
      } else if (action === 'send') {
        checkerOf(client).accept(name as MessageName, value, size, Number(url.searchParams.get('i')));
        res.writeHead(204).end();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  server.on('connection', (socket: Socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}

async function connectHttp(settings: ClientSettings): Promise<BenchClient> {
  const { Client, Pool } = await import('undici');
  const pool = new Pool(`http://127.0.0.1:${settings.port}`, {
    connections: Math.max(1, settings.maxConcurrency),
    pipelining: 1,
  });
  const client = randomUUID();
  const headers = { 'content-type': 'application/json', 'x-client': client };
  const window = Math.max(1, settings.maxConcurrency);
  const streamIndex: Record<MessageName, number> = { sensor: 0, fixed4: 0, blob: 0 };
  let inFlight = 0;
  let idle: (() => void)[] = [];
  let room: (() => void) | null = null;
  let failure: Error | undefined;
  const events: { destroy(): Promise<void> }[] = [];

  const settle = () => {
    inFlight--;
    if (room !== null && inFlight < window) {
      const wake = room;
      room = null;
      wake();
    }
    if (inFlight === 0) {
      const waiting = idle;
      idle = [];
      for (const wake of waiting) wake();
    }
  };
  const allSettled = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => idle.push(r)));

  // Bring the first connection up now, as the other alternatives connect before they are timed.
  const warm = await pool.request({ path: '/report', method: 'GET', headers });
  await warm.body.dump();

  return {
    async request<M extends MessageName>(name: M, value: Messages[M]) {
      const response = await pool.request({
        path: `/request/${name}`,
        method: 'POST',
        headers,
        body: toJson(name, value),
      });
      return fromJson(name, await response.body.text()) as Messages[M];
    },
    send(name, value) {
      const i = streamIndex[name]++;
      inFlight++;
      pool
        .request({ path: `/send/${name}?i=${i}`, method: 'POST', headers, body: toJson(name, value) })
        .then((response) => response.body.dump())
        .catch((error: Error) => {
          failure ??= error;
        })
        .finally(settle);
      return inFlight < window;
    },
    drained: () => (inFlight < window ? Promise.resolve() : new Promise<void>((r) => (room = r))),
    async report() {
      await allSettled();
      if (failure) throw failure;
      for (const name of Object.keys(streamIndex) as MessageName[]) streamIndex[name] = 0;
      const response = await pool.request({ path: '/report', method: 'GET', headers });
      return (await response.body.json()) as StreamReport;
    },
    subscribe(spec, onPush) {
      // An event stream holds its connection for good, so it gets its own, as EventSource does.
      const stream = new Client(`http://127.0.0.1:${settings.port}`);
      events.push(stream);
      const path = `/events?interval=${spec.intervalMs}&size=${spec.size}&count=${spec.count}`;
      stream
        .request({ path, method: 'GET', headers })
        .then(({ body }) => {
          let text = '';
          body.setEncoding('utf8');
          body.on('data', (chunk: string) => {
            text += chunk;
            let end = text.indexOf('\n\n');
            while (end >= 0) {
              const line = text.slice(0, end);
              text = text.slice(end + 2);
              if (line.startsWith('data: ')) onPush(fromJson('blob', line.slice(6)) as BlobValue);
              end = text.indexOf('\n\n');
            }
          });
          body.on('error', () => {});
        })
        .catch(() => {});
    },
    async close() {
      await Promise.all(events.map((stream) => stream.destroy()));
      await pool.close();
    },
  };
}
