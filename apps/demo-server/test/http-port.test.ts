import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { connect } from '@bp/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoMessage, demoProtocol } from '../src/schema.js';
import { descriptorBudget } from '../src/server/descriptor-budget.js';
import { closeClients, tcpClient, tlsClient, wsClient } from './helpers/clients.js';
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

// Finding 2 saw 20,274 idle connections exhaust ~20,000 descriptors; the literal count runs below,
// against the default limits. Here the same attack meets the common default soft limit of 1,024
// descriptors (twice as many idle connections as descriptors), where the budget's floors and the
// per-address share are what hold, and where /healthz from another address must still answer.
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

/** Soft or hard limit of open files of a process, from /proc/<pid>/limits. */
function openFilesOf(pid: number | 'self', which: 'soft' | 'hard'): number {
  const line = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(
    readFileSync(`/proc/${pid}/limits`, 'utf8'),
  );
  const value = line?.[which === 'soft' ? 1 : 2];
  return value === undefined ? 1024 : value === 'unlimited' ? 1 << 20 : Number(value);
}

interface FloodTally {
  connected: number;
  open: number;
  closedByServer: number;
  failed: number;
}

/**
 * Opens `total` idle connections to the demo's HTTP port from child processes (one process cannot
 * hold them all within its descriptor limit), each from its own loopback source addresses, and
 * resolves once every attempt settled. The children hold what the server kept until `stop()`.
 */
async function flood(demo: DemoProcess, total: number) {
  const hard = openFilesOf('self', 'hard');
  const perChild = Math.max(500, Math.min(5000, hard - 256));
  const children = Math.ceil(total / perChild);
  const script = fileURLToPath(new URL('./helpers/idle-flood.mjs', import.meta.url));
  const procs = Array.from({ length: children }, (_, c) => {
    const count = Math.min(perChild, total - c * perChild);
    // Four source addresses per child: 127.0.0.20 and up (127/8 is all loopback).
    const addresses = [0, 1, 2, 3].map((k) => `127.0.0.${20 + c * 4 + k}`);
    const child = spawn(
      '/bin/sh',
      [
        '-c',
        'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"',
        process.execPath,
        script,
        String(demo.httpPort),
        String(count),
        addresses.join(','),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    floods.add(child);
    return { child, count };
  });
  const tallies = await Promise.all(
    procs.map(
      ({ child }) =>
        new Promise<FloodTally>((resolve, reject) => {
          let out = '';
          child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
            out += chunk;
            if (out.includes('\n')) resolve(JSON.parse(out) as FloodTally);
          });
          child.once('exit', (code) => reject(new Error(`flood child exited with ${code} before reporting`)));
        }),
    ),
  );
  const sum = (key: keyof FloodTally) => tallies.reduce((n, t) => n + t[key], 0);
  return {
    attempts: procs.reduce((n, p) => n + p.count, 0),
    connected: sum('connected'),
    open: sum('open'),
    failed: sum('failed'),
    stop: () => {
      for (const { child } of procs) child.stdin.end();
    },
  };
}

const floods = new Set<ChildProcess>();
afterAll(() => {
  for (const child of floods) child.kill('SIGKILL');
});

// Finding 2 as reported: 20,274 idle connections against the demo's own defaults (its descriptor
// budget follows its limit of open files, whatever the machine gives it).
describe('20,000 idle HTTP connections against the default limits', () => {
  let demo: DemoProcess;
  afterAll(async () => {
    await demo?.stop();
  });

  it('leave the bp TCP and TLS ports serving, the process within its descriptor budget', async () => {
    demo = await startDemoProcess({ args: ['--memory', '--sensor-rate', '0'] });
    const pid = demo.child.pid as number;
    const budget = descriptorBudget(openFilesOf(pid, 'soft'));
    const attack = await flood(demo, 20_000);
    try {
      expect(attack.attempts).toBe(20_000);
      // Every attempt was answered (accepted, then kept or refused at once).
      expect(attack.connected + attack.failed).toBeGreaterThanOrEqual(19_000);
      // The server kept at most its HTTP share plus the reserve (what the attacker's side counts
      // as open also holds connections still waiting in the kernel's accept queue).
      const descriptors = readdirSync(`/proc/${pid}/fd`).length;
      expect(descriptors).toBeLessThanOrEqual(budget.httpConnections + 2 * 64);
      expect(attack.open).toBeGreaterThan(budget.httpConnections / 2);
      // While the flood is held: 30 bp clients over TCP, and one over TLS, are each answered.
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
        const tls = await tlsClient(demo);
        expect(await tls.request(DemoMessage.ECHO, { message: 'tls' })).toEqual({ message: 'tls' });
      } finally {
        await Promise.allSettled(clients.map((c) => c.close({ deadline: 500 })));
      }
      expect(demo.child.exitCode).toBeNull();
    } finally {
      attack.stop();
    }
    // Once the attacker lets go, the HTTP port answers again.
    let health: Awaited<ReturnType<typeof get>> = 'timeout';
    for (let i = 0; i < 50 && (health === 'timeout' || health.status !== 200); i++) {
      health = await get(demo, '/healthz', { timeoutMs: 1000 });
      if (health === 'timeout' || health.status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(health).toMatchObject({ status: 200 });
  }, 120_000);
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
    // One more guess, waited for, is the last failure (the (unauthorized + 1)-th or later: some
    // refusals came after their guesser hung up); the answer to the correct token then waits its
    // backoff, at least 100 * 2^unauthorized ms. Counted from that refusal's arrival, which comes
    // a little after the failure was recorded: half the backoff is left for that lag (measured
    // from the connect's own start instead, the bound would shrink with machine load).
    const last = await get(demo, '/metrics?token=last-guess', { timeoutMs: 10_000 });
    expect(last).toMatchObject({ status: 401 });
    const refusedAt = performance.now();
    const client = await tcpClient(demo);
    const backoff = Math.min(3000, 100 * 2 ** unauthorized);
    expect(performance.now() - refusedAt).toBeGreaterThanOrEqual(backoff / 2);
    expect(await client.request(DemoMessage.ECHO, { message: 'in' })).toEqual({ message: 'in' });
    // The correct token ended the backoff: the page answers at once with it.
    expect(await get(demo, `/?token=${demo.token}`)).toMatchObject({ status: 200 });
  }, 40_000);
});
