// Request/response cost with 64 in flight, both sessions in one process (no transport). Run after
// building: node bench/hot-path-requests.mjs [requests per round, default 500000] [rounds, default 5]
// Instructions per request, steadier than time on a shared machine: run it under
// `valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file=/dev/null node
// --single-threaded` with 32000 1 and 96000 1 and divide the difference by 64000; it varies by
// about 10% from run to run (JIT), so compare medians of several (about 6,700 on 2026-12-05).
import { f32, ProtocolConfig, struct } from '@bp/codec';
import { createClientSession, createServerSession } from '../dist/esm/index.js';

const protocol = new ProtocolConfig({
  messageStructures: {
    1: struct({ a: f32, b: f32, c: f32, d: f32 }),
    2: struct({ a: f32, b: f32, c: f32, d: f32 }),
  },
  responses: { 2: 1 },
});
const toServer = [];
const toClient = [];
const limits = { heartbeatInterval: 0, readTimeout: 0 };
const server = createServerSession({
  protocol,
  transport: { write: (c) => toClient.push(c) > 0, end() {}, destroy() {} },
  limits,
  handlers: { 2: (v) => v },
});
const client = createClientSession({
  protocol,
  transport: { write: (c) => toServer.push(c) > 0, end() {}, destroy() {} },
  limits,
});
function pump() {
  server.flush();
  client.flush();
  while (toServer.length || toClient.length) {
    for (const c of toServer.splice(0)) server.receive(c);
    for (const c of toClient.splice(0)) client.receive(c);
    server.flush();
    client.flush();
  }
}
pump();
await client.ready;
const value = { a: 1, b: 2, c: 3, d: 4 };
const requests = Number(process.argv[2] ?? 500_000);
const rounds = Number(process.argv[3] ?? 5);
for (let round = 0; round < rounds; round++) {
  const n = requests;
  const t0 = performance.now();
  for (let done = 0; done < n; done += 64) {
    const ps = [];
    for (let j = 0; j < 64; j++) ps.push(client.request(2, value));
    pump();
    await Promise.all(ps);
  }
  const ms = performance.now() - t0;
  console.log(
    `${(((n / ms) * 1000) / 1e6).toFixed(2)} M req/s (${((ms / n) * 1e6).toFixed(0)} ns per request, both sides)`,
  );
}
