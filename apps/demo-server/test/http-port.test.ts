import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { connect } from '@bp/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoMessage, demoProtocol } from '../src/schema.js';
import { descriptorBudget } from '../src/server/descriptor-budget.js';
import { closeClients, tcpClient, wsClient } from './helpers/clients.js';
import {
  type DemoProcess,
  removeDataDirs,
  startDemoProcess,
  stopAllDemoProcesses,
} from './helpers/demo-process.js';

// Issue 15, findings 2, 5 and 6: the HTTP port of the demo under an attacker's load.

const sockets = new Set<Socket>();

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await closeClients();
  await stopAllDemoProcesses();
  removeDataDirs();
});

/** A plain GET (no keep-alive), resolving with the status and body; `timeoutMs` bounds it. */
function get(
  demo: DemoProcess,
  path: string,
  options: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ status: number; body: string } | 'timeout'> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: demo.httpPort, path, agent: false, headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.setTimeout(options.timeoutMs ?? 5000, () => {
      req.destroy();
      resolve('timeout');
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' ? resolve('timeout') : reject(error),
    );
    req.end();
  });
}

/** Opens up to `count` idle sockets from `localAddress`; resolves once each connected or failed. */
async function openIdle(demo: DemoProcess, count: number, localAddress: string): Promise<Socket[]> {
  const opened: Socket[] = [];
  for (let at = 0; at < count; at += 200) {
    const batch = Array.from({ length: Math.min(200, count - at) }, () => {
      const socket = netConnect({ host: '127.0.0.1', port: demo.httpPort, localAddress });
      socket.on('error', () => {});
      sockets.add(socket);
      opened.push(socket);
      return Promise.race([
        once(socket, 'connect').catch(() => {}),
        once(socket, 'close'),
        new Promise((resolve) => setTimeout(resolve, 5000)),
      ]);
    });
    await Promise.all(batch);
  }
  // Give the server a moment to drop what it refuses.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return opened;
}

const alive = (list: Socket[]) => list.filter((s) => !s.destroyed && !s.readableEnded).length;

// Finding 2 saw 20,274 idle connections exhaust ~20,000 descriptors. Scaled honestly: the server
// gets 1,024 descriptors and more idle connections than that (2,000, then 1,000 from ten more
// addresses). 20,000 literal connections would take the test process's own descriptors to the
// machine's hard limit (ulimit -Hn is 20,000 here), so the ratio is kept instead of the count.
describe('the HTTP port with a descriptor limit of 1024', () => {
  const openFiles = 1024;
  const budget = descriptorBudget(openFiles);
  let demo: DemoProcess;

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await demo?.stop();
  });

  it('2,000 idle connections from one address leave the bp TCP port serving and /healthz answering', async () => {
    demo = await startDemoProcess({
      openFiles,
      args: ['--memory', '--sensor-rate', '0'],
    });
    // Loopback carries all of 127/8: the attacker is 127.0.0.2, the good clients 127.0.0.1.
    const attacker = await openIdle(demo, 2000, '127.0.0.2');
    expect(alive(attacker)).toBeLessThanOrEqual(budget.httpConnectionsPerAddress);
    expect(alive(attacker)).toBeGreaterThan(0);

    const health = await get(demo, '/healthz');
    expect(health).toMatchObject({ status: 200 });
    const client = await tcpClient(demo);
    expect(await client.request(DemoMessage.ECHO, { message: 'served' })).toEqual({ message: 'served' });
  }, 60_000);

  it('filling the total from many addresses still leaves descriptors for the bp listeners', async () => {
    const attackers: Socket[] = [];
    for (let n = 3; n < 13; n++) attackers.push(...(await openIdle(demo, 100, `127.0.0.${n}`)));
    expect(alive(attackers)).toBeLessThanOrEqual(budget.httpConnections);
    // bp clients get in: 30 of them at once over TCP, each answered.
    const clients = await Promise.all(
      Array.from({ length: 30 }, () =>
        connect({ host: '127.0.0.1', port: demo.tcpPort, protocol: demoProtocol, token: demo.token }),
      ),
    );
    try {
      const echoes = await Promise.all(
        clients.map((c, i) => c.request(DemoMessage.ECHO, { message: `client ${i}` })),
      );
      expect(echoes.map((e) => e.message)).toEqual(clients.map((_, i) => `client ${i}`));
    } finally {
      await Promise.allSettled(clients.map((c) => c.close({ deadline: 500 })));
    }
    expect(demo.child.exitCode).toBeNull();
  }, 60_000);
});

describe('the HTTP port: timeouts, token guessing, odd paths', () => {
  let demo: DemoProcess;
  beforeAll(async () => {
    demo = await startDemoProcess({ args: ['--memory', '--sensor-rate', '0'] });
  });

  it('closes an idle socket at the configured time, not ~28 s later', async () => {
    const demo = await startDemoProcess({
      args: ['--memory', '--sensor-rate', '0', '--http-idle-timeout', '1'],
    });
    // A bp WebSocket on the same port is not an idle HTTP socket: it outlives the timeout.
    const ws = await wsClient(demo);
    const started = performance.now();
    const silent = netConnect({ host: '127.0.0.1', port: demo.httpPort });
    const partial = netConnect({ host: '127.0.0.1', port: demo.httpPort });
    for (const socket of [silent, partial]) {
      socket.on('error', () => {});
      sockets.add(socket);
    }
    await once(partial, 'connect');
    // Headers begun, never finished: headersTimeout.
    partial.write('GET /healthz HTTP/1.1\r\nhost: x\r\n');
    const closedAfter = (socket: Socket) =>
      Promise.race([
        once(socket, 'close').then(() => performance.now() - started),
        new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), 8000)),
      ]);
    const [silentMs, partialMs] = await Promise.all([closedAfter(silent), closedAfter(partial)]);
    expect(silentMs).toBeGreaterThanOrEqual(800);
    expect(silentMs).toBeLessThan(5000);
    expect(partialMs).toBeLessThan(5000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1500 - (performance.now() - started))));
    expect(await ws.request(DemoMessage.ECHO, { message: 'upgraded' })).toEqual({ message: 'upgraded' });
  }, 30_000);

  it('answers // and other odd targets with 404 or 400, and logs no stack trace', async () => {
    for (const path of ['//', '//x', '///healthz', '/%', '/..%2f..%2fetc/passwd']) {
      const reply = await get(demo, path);
      expect(reply === 'timeout' ? 0 : reply.status, path).toBeGreaterThanOrEqual(400);
      expect(reply === 'timeout' ? 0 : reply.status, path).toBeLessThan(500);
    }
    // A target that is not a path at all (the asterisk form) is a bad request.
    const star = new Promise<string>((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port: demo.httpPort });
      sockets.add(socket);
      let text = '';
      socket.on('error', () => resolve(text));
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
      socket.write('OPTIONS * HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    });
    expect(await star).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(await get(demo, '/healthz')).toMatchObject({ status: 200 });
    expect(demo.stderr()).not.toContain('http handler failed');
    expect(demo.stderr()).not.toContain('"stack"');
  });

  it('holds /metrics and /?token= guesses to the bp rate, in the table the bp ports use', async () => {
    // The defaults: up to 8 checks at once before the first failure counts, then 100 ms after the
    // first failure, doubling to 3 s. 8 guessers that hang up after 300 ms, for 2.5 s: at most 8
    // checked answers (8 at once and the next after 3 s; or 1 at 0 s, then 0.1, 0.3, 0.7, 1.5 s).
    const deadline = Date.now() + 2500;
    let unauthorized = 0;
    let sent = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        for (let i = 0; i < 1000 && Date.now() < deadline; i++) {
          sent++;
          const path = i % 2 === 0 ? `/metrics?token=guess-${worker}-${i}` : `/?token=guess-${worker}-${i}`;
          const reply = await get(demo, path, { timeoutMs: 300 });
          if (reply !== 'timeout' && reply.status === 401) unauthorized++;
          if (reply === 'timeout') continue;
          expect([401, 429]).toContain(reply.status);
          // An answer that came at once (429) checked nothing: wait a little before the next.
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }),
    );
    expect(sent).toBeGreaterThan(20);
    expect(unauthorized).toBeGreaterThan(0);
    expect(unauthorized).toBeLessThanOrEqual(8);
    // The bp TCP port shares the table: a correct token from this address is answered late too.
    const started = performance.now();
    const client = await tcpClient(demo);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(await client.request(DemoMessage.ECHO, { message: 'in' })).toEqual({ message: 'in' });
    // The correct token ended the backoff: the page answers at once with it.
    expect(await get(demo, `/?token=${demo.token}`)).toMatchObject({ status: 200 });
  }, 30_000);
});
