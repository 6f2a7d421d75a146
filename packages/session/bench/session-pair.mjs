// A client and a server session joined in memory (no transport), handshake done: what the
// in-process benches measure. Frames each side wrote wait in `toServer` / `toClient`.
import { createClientSession, createServerSession } from '../dist/esm/index.js';

const limits = {
  heartbeatInterval: 0,
  readTimeout: 0,
  maxQueuedBytes: 64 * 1024 * 1024,
  maxBufferedBytes: 1 << 30,
};

export async function sessionPair(protocol) {
  const toServer = [];
  const toClient = [];
  const server = createServerSession({
    protocol,
    transport: { write: (c) => toClient.push(c) > 0, end() {}, destroy() {} },
    limits,
  });
  const client = createClientSession({
    protocol,
    transport: { write: (c) => toServer.push(c) > 0, end() {}, destroy() {} },
    limits,
  });
  for (const c of toServer.splice(0)) server.receive(c);
  for (const c of toClient.splice(0)) client.receive(c);
  await client.ready;
  return { server, client, toServer, toClient };
}
