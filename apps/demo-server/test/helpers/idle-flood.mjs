// A child process that opens idle TCP connections to one port, as the attacker of issue 15's
// finding 2 did: `node idle-flood.mjs <port> <count> <address,...>`. It connects in batches, keeps
// every socket the server leaves open, and prints one JSON line when all attempts are settled:
// { connected, open, closedByServer, failed }. It then holds its sockets until stdin closes (the
// parent ends it), and is bounded in time by itself (60 s) in case the parent dies.
import { connect } from 'node:net';

const [port, count, addresses] = [
  Number(process.argv[2]),
  Number(process.argv[3]),
  process.argv[4].split(','),
];
const sockets = new Set();
const tally = { connected: 0, open: 0, closedByServer: 0, failed: 0 };
const BATCH = 250;
const CONNECT_WAIT_MS = 5000;

function one(localAddress) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    sockets.add(socket);
    let connected = false;
    const timer = setTimeout(() => resolve(), CONNECT_WAIT_MS);
    socket.on('connect', () => {
      connected = true;
      tally.connected++;
      clearTimeout(timer);
      resolve();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      if (connected) tally.closedByServer++;
      else tally.failed++;
      clearTimeout(timer);
      resolve();
    });
  });
}

for (let at = 0; at < count; at += BATCH) {
  const n = Math.min(BATCH, count - at);
  await Promise.all(Array.from({ length: n }, (_, i) => one(addresses[(at + i) % addresses.length])));
}
// Let the server drop what it refuses before counting what it kept.
await new Promise((resolve) => setTimeout(resolve, 500));
tally.open = sockets.size;
process.stdout.write(`${JSON.stringify(tally)}\n`);
const end = () => {
  for (const socket of sockets) socket.destroy();
  process.exit(0);
};
process.stdin.on('end', end).on('close', end).resume();
setTimeout(end, 60_000).unref();
