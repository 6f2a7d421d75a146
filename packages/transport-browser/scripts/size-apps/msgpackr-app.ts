// The same small app as bp-app.ts with msgpackr over a plain WebSocket, for the size comparison:
// an envelope with a kind and a request id, a request/response map, a push handler. (No
// reconnect, no backpressure, no limits: what a hand-rolled client usually starts as.)
import { pack, unpack } from 'msgpackr';

const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws?token=secret`);
ws.binaryType = 'arraybuffer';
const pending = new Map<number, (value: unknown) => void>();
let nextId = 1;
ws.onmessage = (event) => {
  const message = unpack(new Uint8Array(event.data as ArrayBuffer)) as { t: string; i?: number; v: unknown };
  if (message.t === 'a' && message.i !== undefined) pending.get(message.i)?.(message.v);
  else if (message.t === 'sensor') document.title = (message.v as { sensor1: number }).sensor1.toFixed(2);
};
await new Promise((resolve) => ws.addEventListener('open', resolve, { once: true }));
const id = nextId++;
const value = (await new Promise<unknown>((resolve) => {
  pending.set(id, resolve);
  ws.send(pack({ t: 'q', i: id, m: 'get', v: { key: 'a' } }));
})) as { value: number };
document.body.textContent = `a = ${value.value}`;
