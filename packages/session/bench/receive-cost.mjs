// Receive cost per one-way FIXED_BENCHMARK message (a u32 payload: 10 bytes a frame), in one
// process: the server session reads the same 64 KiB chunks of 6,000 frames over and over, as a
// socket would hand them. Run after building: node bench/receive-cost.mjs [rounds]. Timings move
// with the machine; for decisions count instructions (valgrind --tool=callgrind node
// --single-threaded bench/receive-cost.mjs N, for two N, difference / (messages between them)):
// 913 instructions a message before the decoder stopped storing values in a field, 862 after, 793
// once the codec's decodeFrom returned a fresh result instead of refilling one per codec; 770 with
// the handler's sum kept a small integer (the bench's own cost), 696 once a decode without a
// budget stopped calling startBudget, 606 with a type-header reader V8 inlines.
import { ProtocolConfig, struct, u32 } from '@bp/codec';
import { sessionPair } from './session-pair.mjs';

const protocol = new ProtocolConfig({ messageStructures: { 1: struct({ a: u32 }) } });
const { server, client, toServer } = await sessionPair(protocol);
// A small-integer sum: a growing double would cost the handler a heap number and a write barrier
// a message, which is the bench's cost, not the session's.
let sum = 0;
server.on(1, (v) => {
  sum = (sum + v.a) | 0;
});
for (let j = 0; j < 6000; j++) client.send(1, { a: j });
client.flush();
const chunks = toServer.splice(0).map((c) => Uint8Array.from(c));
const total = chunks.reduce((a, c) => a + c.length, 0);
// split into 64 KiB chunks like a socket would
const all = new Uint8Array(total);
let o = 0;
for (const c of chunks) {
  all.set(c, o);
  o += c.length;
}
const pieces = [];
for (let p = 0; p < total; p += 65536) pieces.push(all.subarray(p, Math.min(total, p + 65536)));
console.log(`${total / 6000} bytes a message`);
const R = Number(process.argv[2] ?? 2000);
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  for (let i = 0; i < R; i++) for (const p of pieces) server.receive(p);
  const t = performance.now() - t0;
  console.log(`receive ${((t / (R * 6000)) * 1e6).toFixed(1)} ns/msg`);
}
// Every message reached the handler: the values 0..5999, 3 x R times.
const expected = Number(BigInt.asIntN(32, BigInt(3 * R) * BigInt((5999 * 6000) / 2)));
if (sum !== expected) throw new Error(`the handler saw a sum of ${sum}, not ${expected}`);
