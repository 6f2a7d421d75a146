// Send and receive cost per one-way 16-byte message, in one process (no transport). Run after
// building: node bench/hot-path.mjs
import { f32, ProtocolConfig, struct } from '@bp/codec';
import { sessionPair } from './session-pair.mjs';

const protocol = new ProtocolConfig({ messageStructures: { 1: struct({ a: f32, b: f32, c: f32, d: f32 }) } });
const { server, client, toServer } = await sessionPair(protocol);
let sum = 0;
server.on(1, (v) => {
  sum += v.a;
});
const value = { a: 1, b: 2, c: 3, d: 4 };
for (let r = 0; r < 5; r++) {
  let tSend = 0,
    tRecv = 0;
  for (let i = 0; i < 1000; i++) {
    const t0 = performance.now();
    for (let j = 0; j < 3000; j++) client.send(1, value);
    client.flush();
    const t1 = performance.now();
    for (const c of toServer.splice(0)) server.receive(c);
    tRecv += performance.now() - t1;
    tSend += t1 - t0;
  }
  console.log(
    `send ${(3e6 / tSend / 1e3).toFixed(2)} M/s (${((tSend / 3e6) * 1e6).toFixed(0)} ns/msg)  receive ${(3e6 / tRecv / 1e3).toFixed(2)} M/s (${((tRecv / 3e6) * 1e6).toFixed(0)} ns/msg)`,
  );
}
if (sum !== 5 * 3e6) throw new Error(`lost ${sum}`);
