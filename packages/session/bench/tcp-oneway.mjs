// One-way 16-byte messages over loopback TCP: @bp/session on both ends against a minimal
// hand-written length-prefixed framing, server and client pinned to different CPUs, alternated.
// Run after `pnpm --filter @bp/session build`: node bench/tcp-oneway.mjs [messages]
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const N = Number(process.argv[3] ?? process.argv[2] ?? 5_000_000);
const role = process.argv[2];

async function loadSession() {
  const { f32, ProtocolConfig, struct } = await import('@bp/codec');
  const session = {
    ...(await import('../dist/esm/index.js')),
    ...(await import('../dist/esm/wire/index.js')),
  };
  const protocol = new ProtocolConfig({
    messageStructures: { 1: struct({ a: f32, b: f32, c: f32, d: f32 }), 2: struct({ n: f32 }) },
  });
  return { ...session, protocol };
}

function socketTransport(socket) {
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  return {
    write(chunk) {
      if (!corked) {
        corked = true;
        socket.cork();
        process.nextTick(uncork);
      }
      return socket.write(chunk);
    },
    end: () => socket.end(),
    destroy: () => socket.destroy(),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
  };
}

function attach(socket, session) {
  socket.setNoDelay(true);
  socket.on('data', (c) => session.receive(c));
  socket.on('drain', () => session.transportDrained());
  socket.on('close', () => session.transportClosed());
}

async function server(kind) {
  const srv = net.createServer(async (socket) => {
    let count = 0;
    let sum = 0;
    let t0 = 0;
    const done = () => {
      const ms = performance.now() - t0;
      process.stdout.write(`${JSON.stringify({ rate: (count / ms) * 1000, sum })}\n`);
      socket.destroy();
      srv.close();
    };
    if (kind === 'hand') {
      const await_session = await loadSession();
      socket.setNoDelay(true);
      let pending = null;
      socket.on('data', (chunk) => {
        if (t0 === 0) t0 = performance.now();
        let buf = chunk;
        if (pending !== null) {
          buf = Buffer.concat([pending, chunk]);
          pending = null;
        }
        const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
        let p = 0;
        while (p + 4 <= buf.length) {
          const h = dv.getUint32(p);
          const len = h & 0x0fffffff;
          if (p + 4 + len > buf.length) break;
          if (h >>> 28 === 1) {
            // A session client's HELLO: accept it.
            const { encodeWelcome } = await_session;
            socket.write(
              encodeWelcome({ version: 1, maxPayloadSize: 1 << 20, heartbeatInterval: 0, maxInFlight: 1024 }),
            );
            p += 4 + len;
            continue;
          }
          const v = {
            a: dv.getFloat32(p + 6),
            b: dv.getFloat32(p + 10),
            c: dv.getFloat32(p + 14),
            d: dv.getFloat32(p + 18),
          };
          sum += v.a;
          count++;
          p += 4 + len;
        }
        if (p < buf.length) pending = buf.subarray(p);
        if (count >= N) done();
      });
    } else {
      const { createServerSession, protocol } = await loadSession();
      const session = createServerSession({
        protocol,
        transport: socketTransport(socket),
        limits: { heartbeatInterval: 0, readTimeout: 0 },
      });
      attach(socket, session);
      session.on(1, (v) => {
        if (t0 === 0) t0 = performance.now();
        sum += v.a;
        if (++count === N) done();
      });
    }
  });
  srv.listen(0, '127.0.0.1', () => process.stdout.write(`${srv.address().port}\n`));
}

async function client(kind, port) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const value = { a: 1, b: 2, c: 3, d: 4 };
  if (kind === 'hand') {
    socket.setNoDelay(true);
    const { encodeHello, schemaFingerprint, protocol } = await loadSession();
    const { fingerprint, digests } = schemaFingerprint(protocol.describe());
    socket.write(
      encodeHello({ minVersion: 1, maxVersion: 1, maxPayloadSize: 1 << 20, fingerprint, digests }),
    );
    socket.on('data', () => {});
    let sent = 0;
    const pump = () => {
      while (sent < N) {
        const batch = Math.min(4096, N - sent);
        const buf = Buffer.allocUnsafe(batch * 22);
        const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
        for (let i = 0; i < batch; i++) {
          const p = i * 22;
          dv.setUint32(p, (4 << 28) | 18);
          dv.setUint16(p + 4, 1);
          dv.setFloat32(p + 6, value.a);
          dv.setFloat32(p + 10, value.b);
          dv.setFloat32(p + 14, value.c);
          dv.setFloat32(p + 18, value.d);
        }
        sent += batch;
        if (!socket.write(buf)) return socket.once('drain', pump);
      }
    };
    pump();
  } else {
    const { createClientSession, protocol } = await loadSession();
    const session = createClientSession({
      protocol,
      transport: socketTransport(socket),
      limits: { heartbeatInterval: 0, readTimeout: 0, requestTimeout: 0 },
    });
    attach(socket, session);
    await session.ready;
    let sent = 0;
    while (sent < N) {
      let ok = true;
      for (let i = 0; i < 65536 && sent < N && ok; i++, sent++) ok = session.send(1, value);
      if (!ok) await session.drained();
      else await new Promise((r) => setImmediate(r));
    }
  }
  socket.on('close', () => process.exit(0));
  socket.on('error', () => process.exit(0));
}

function run(kind, clientKind = kind) {
  return new Promise((resolve) => {
    const self = fileURLToPath(import.meta.url);
    const srv = spawn('taskset', ['-c', '0', process.execPath, self, `server-${kind}`, String(N)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let cli;
    srv.stdout.on('data', (d) => {
      out += d;
      const lines = out.split('\n');
      if (cli === undefined && lines.length > 1) {
        cli = spawn(
          'taskset',
          ['-c', '1', process.execPath, self, `client-${clientKind}`, String(N), lines[0]],
          { stdio: 'inherit' },
        );
      }
      if (lines.length > 2) resolve(JSON.parse(lines[1]).rate);
    });
  });
}

if (role?.startsWith('server-')) await server(role.slice(7));
else if (role?.startsWith('client-')) await client(role.slice(7), Number(process.argv[4]));
else {
  const results = { hand: [], session: [], 'hand->session': [], 'session->hand': [] };
  for (let round = 0; round < 3; round++) {
    results.hand.push(await run('hand'));
    results.session.push(await run('session'));
    results['hand->session'].push(await run('session', 'hand'));
    results['session->hand'].push(await run('hand', 'session'));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const h = median(results.hand);
  const s = median(results.session);
  console.log(
    `hand-written ${(h / 1e6).toFixed(2)} M/s, session ${(s / 1e6).toFixed(2)} M/s, ratio ${((s / h) * 100).toFixed(0)}%`,
  );
  for (const [k, v] of Object.entries(results)) console.log(k, v.map((x) => (x / 1e6).toFixed(2)).join(' '));
}
