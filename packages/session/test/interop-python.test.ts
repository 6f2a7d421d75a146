import { execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ApplicationError, createServerSession, type Session } from '../src/index.js';
import { exampleProtocol, Type } from './fixtures.js';

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const script = fileURLToPath(new URL('../scripts/python-client.py', import.meta.url));

/** A TCP server running one @bp/session per connection (the transport packages do this for real). */
async function startServer(onSession: (session: Session<typeof exampleProtocol>) => void) {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const session = createServerSession({
      protocol: exampleProtocol,
      transport: {
        write: (chunk) => socket.write(chunk),
        end: () => socket.end(),
        destroy: () => socket.destroy(),
      },
      auth: { token: 'secret' },
      limits: { heartbeatInterval: 100, readTimeout: 2000 },
      handlers: {
        [Type.GET]: async ({ key }) => {
          if (key === 404) throw new ApplicationError(1404, 'no such key');
          return { key, value: -key };
        },
        [Type.POSITION]: ({ x, y }) => {
          session.send(Type.POSITION, { x: x * 2, y: y * 2 });
        },
      },
    });
    socket.on('data', (chunk) => session.receive(chunk));
    socket.on('drain', () => session.transportDrained());
    socket.on('close', () => session.transportClosed());
    socket.on('error', () => {});
    onSession(session);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function runClient(port: number, token: string): Promise<Record<string, any>[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script, String(port), token], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill(), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`python client failed (${code}): ${err}`));
      else
        resolve(
          out
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line)),
        );
    });
  });
}

describe.skipIf(!hasPython())('a client written in Python from docs/PROTOCOL.md', () => {
  test('handshake, requests in flight, application errors, server push, pings, goodbye', async () => {
    const sessions: Session<typeof exampleProtocol>[] = [];
    const server = await startServer((s) => sessions.push(s));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const events = await runClient(port, 'secret');
      const byEvent = Object.fromEntries(events.map((e) => [e.event, e]));
      expect(byEvent.welcome).toEqual({
        event: 'welcome',
        version: 1,
        maxPayloadSize: 1048576,
        heartbeatInterval: 100,
      });
      expect(byEvent.answers.answers).toEqual({
        1: { type: Type.VALUE, key: 42, value: -42 },
        2: { error: 1404, message: 'no such key' },
      });
      expect(byEvent.push).toEqual({ event: 'push', type: Type.POSITION, body: '40400000c0800000' });
      expect(byEvent.pinged.pings).toBeGreaterThan(0);
      expect(byEvent.goodbye).toEqual({ event: 'goodbye', kind: 10, code: 0 });
      expect(byEvent['after-goodbye'].closed).toBe(true);
      expect(sessions[0].state).toBe('closed');

      const rejected = await runClient(port, 'wrong');
      expect(rejected).toEqual([{ event: 'rejected', code: 15, reason: 'unauthorized' }]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 20_000);
});
