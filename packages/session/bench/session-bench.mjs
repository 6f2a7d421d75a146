// Per-message cost of the session's hot paths, in one process, without a real transport:
// the sender's chunks are handed straight to the receiver. Compares against a hand-written
// length-prefixed framing of the same 16-byte message. Run after building: node bench/session-bench.mjs
//
// The interceptor rows show what interceptors cost: `interceptors: []` (none installed) must match
// the plain row, since sessions without interceptors take the direct path (one field check per
// call); the pass-through row is the price of one `(next) => (call) => next(call)` on each side.
// `node bench/session-bench.mjs --quick` runs each case once with small counts (a smoke run).
import { f32, ProtocolConfig, struct } from '@bp/codec';
import { createClientSession, createServerSession } from '../dist/esm/index.js';

const SENSOR = 1;
const GET = 2;
const protocol = new ProtocolConfig({
  messageStructures: {
    [SENSOR]: struct({ a: f32, b: f32, c: f32, d: f32 }),
    [GET]: struct({ a: f32, b: f32, c: f32, d: f32 }),
  },
  responses: { [GET]: SENSOR },
});

function pair(serverOptions = {}, clientOptions = {}) {
  const toServer = [];
  const toClient = [];
  const server = createServerSession({
    protocol,
    transport: { write: (c) => toClient.push(c) > 0, end() {}, destroy() {} },
    limits: {
      heartbeatInterval: 0,
      readTimeout: 0,
      maxQueuedBytes: 64 * 1024 * 1024,
      maxBufferedBytes: 1 << 30,
    },
    ...serverOptions,
  });
  const client = createClientSession({
    protocol,
    transport: { write: (c) => toServer.push(c) > 0, end() {}, destroy() {} },
    limits: {
      heartbeatInterval: 0,
      readTimeout: 0,
      maxQueuedBytes: 64 * 1024 * 1024,
      maxBufferedBytes: 1 << 30,
      requestTimeout: 0,
    },
    ...clientOptions,
  });
  const pump = () => {
    let moved = 0;
    server.flush();
    client.flush();
    while (toServer.length || toClient.length) {
      for (const c of toServer.splice(0)) {
        server.receive(c);
        moved++;
      }
      for (const c of toClient.splice(0)) {
        client.receive(c);
        moved++;
      }
      server.flush();
      client.flush();
    }
    return moved;
  };
  return { server, client, pump };
}

async function oneWay(n, batch, interceptors) {
  const withInterceptors = interceptors === undefined ? {} : { interceptors };
  const { server, client, pump } = pair(withInterceptors, withInterceptors);
  let sum = 0;
  server.on(SENSOR, (v) => {
    sum += v.a;
  });
  pump();
  await client.ready;
  pump();
  const value = { a: 1, b: 2, c: 3, d: 4 };
  const t0 = performance.now();
  for (let i = 0; i < n; i += batch) {
    for (let j = 0; j < batch; j++) client.send(SENSOR, value);
    client.flush();
    pump();
  }
  const ms = performance.now() - t0;
  if (sum !== n) throw new Error(`lost messages ${sum}`);
  return (n / ms) * 1000;
}

async function sendOnly(n, batch) {
  const { client, pump } = pair();
  pump();
  await client.ready;
  pump();
  const value = { a: 1, b: 2, c: 3, d: 4 };
  const t0 = performance.now();
  for (let i = 0; i < n; i += batch) {
    for (let j = 0; j < batch; j++) client.send(SENSOR, value);
    client.flush();
  }
  return (n / (performance.now() - t0)) * 1000;
}

function handWritten(n, batch) {
  // Minimal framing: u32 length + u16 type + 16 bytes, decoded into a new object.
  let buf = new Uint8Array(64 * 1024);
  let sum = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i += batch) {
    if (buf.length < batch * 22) buf = new Uint8Array(batch * 22);
    else buf = new Uint8Array(Math.max(64 * 1024, batch * 22));
    const dv = new DataView(buf.buffer);
    let p = 0;
    for (let j = 0; j < batch; j++) {
      dv.setUint32(p, 18);
      dv.setUint16(p + 4, 1);
      dv.setFloat32(p + 6, 1);
      dv.setFloat32(p + 10, 2);
      dv.setFloat32(p + 14, 3);
      dv.setFloat32(p + 18, 4);
      p += 22;
    }
    const chunk = buf.subarray(0, p);
    const rv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let q = 0;
    while (q < chunk.length) {
      const len = rv.getUint32(q);
      const type = rv.getUint16(q + 4);
      if (type === 1) {
        const v = {
          a: rv.getFloat32(q + 6),
          b: rv.getFloat32(q + 10),
          c: rv.getFloat32(q + 14),
          d: rv.getFloat32(q + 18),
        };
        sum += v.a;
      }
      q += 4 + len;
    }
  }
  if (sum !== n) throw new Error('lost');
  return (n / (performance.now() - t0)) * 1000;
}

async function requests(n, inFlight, interceptors) {
  const withInterceptors = interceptors === undefined ? {} : { interceptors };
  const { client, pump } = pair({ handlers: { [GET]: (v) => v }, ...withInterceptors }, withInterceptors);
  pump();
  await client.ready;
  pump();
  const value = { a: 1, b: 2, c: 3, d: 4 };
  let done = 0;
  const t0 = performance.now();
  while (done < n) {
    const ps = [];
    for (let j = 0; j < inFlight; j++) ps.push(client.request(GET, value));
    client.flush();
    pump();
    // Behind interceptors a handler's answer is written a microtask later, after this pump.
    let settled = false;
    Promise.all(ps).then(() => {
      settled = true;
    });
    for (let k = 0; k < 8 && !settled; k++) await Promise.resolve();
    while (!settled) {
      pump();
      await new Promise((resolve) => setImmediate(resolve));
    }
    done += inFlight;
  }
  return (n / (performance.now() - t0)) * 1000;
}

const fmt = (x) => `${(x / 1e6).toFixed(2)} M/s`;
const quick = process.argv.includes('--quick');
const scale = quick ? 0.01 : 1;
const count = (n) => Math.round(n * scale);
const passThrough = [(next) => (call) => next(call)];
for (let round = 0; round < (quick ? 1 : 3); round++) {
  const hw = handWritten(count(5_000_000), 2000);
  const ow = await oneWay(count(5_000_000), 2000);
  const so = await sendOnly(count(5_000_000), 2000);
  const rr = await requests(count(1_000_000), 64);
  console.log(
    `hand-written ${fmt(hw)} | session one-way ${fmt(ow)} (${((ow / hw) * 100).toFixed(0)}%) | send only ${fmt(so)} | req/resp x64 ${fmt(rr)}`,
  );
  const owNone = await oneWay(count(5_000_000), 2000, []);
  const owOne = await oneWay(count(1_000_000), 2000, passThrough);
  const rrNone = await requests(count(1_000_000), 64, []);
  const rrOne = await requests(count(500_000), 64, passThrough);
  console.log(
    `interceptors: [] one-way ${fmt(owNone)} (${((owNone / ow) * 100).toFixed(0)}% of plain), req/resp x64 ${fmt(rrNone)} (${((rrNone / rr) * 100).toFixed(0)}%) | ` +
      `one pass-through each side: one-way ${fmt(owOne)}, req/resp x64 ${fmt(rrOne)}`,
  );
}
