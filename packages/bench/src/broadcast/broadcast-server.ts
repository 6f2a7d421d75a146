// The server side of the broadcast benchmark, run in its own process (`bp-bench __broadcast-server <name>`).
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BROADCAST_BATCH,
  type BroadcastCompetitor,
  BroadcastType,
  broadcastProtocol,
  tick,
} from './broadcast-protocol.js';

interface RunningServer {
  port: number;
  members(): number;
  /** Broadcasts `count` messages to every member, yielding every {@link BROADCAST_BATCH}. */
  broadcast(count: number): Promise<void>;
  close(): Promise<void>;
}

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** bp: `server.rooms.broadcast`, encoded once, the same frame written to every member (TCP). */
async function startBp(): Promise<RunningServer> {
  const { createServer } = await import('@bp/transport-node');
  const server = createServer({
    protocol: broadcastProtocol(),
    limits: { maxConnectionsPerAddress: 100_000 },
  });
  server.onSession((session) => server.rooms.join(session, 'room'));
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  return {
    port,
    members: () => server.rooms.members('room').size,
    async broadcast(count) {
      for (let seq = 0; seq < count; seq++) {
        server.rooms.broadcast(BroadcastType.TICK, tick(seq), { to: 'room' });
        if (seq % BROADCAST_BATCH === BROADCAST_BATCH - 1) await yieldTurn();
      }
    },
    close: () => server.close({ deadline: 500 }),
  };
}

/** socket.io 4 as documented: sockets join a room, `io.to(room).emit(event, value)`. */
async function startSocketIo(): Promise<RunningServer> {
  const { Server } = await import('socket.io');
  const http = createHttpServer();
  const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
  io.on('connection', (socket) => socket.join('room'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (http.address() as AddressInfo).port,
    members: () => io.sockets.adapter.rooms.get('room')?.size ?? 0,
    async broadcast(count) {
      for (let seq = 0; seq < count; seq++) {
        io.to('room').emit('t', tick(seq));
        if (seq % BROADCAST_BATCH === BROADCAST_BATCH - 1) await yieldTurn();
      }
    },
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}

/** ws + msgpackr with a hand-written loop: pack once, `send` the same bytes to every socket. */
async function startWsMsgpackr(): Promise<RunningServer> {
  const { WebSocketServer } = await import('ws');
  const { pack } = await import('msgpackr');
  const http = createHttpServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  const members = new Set<import('ws').WebSocket>();
  wss.on('connection', (ws) => {
    members.add(ws);
    ws.on('close', () => members.delete(ws));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (http.address() as AddressInfo).port,
    members: () => members.size,
    async broadcast(count) {
      for (let seq = 0; seq < count; seq++) {
        const bytes = pack(tick(seq));
        for (const ws of members) ws.send(bytes, { binary: true });
        if (seq % BROADCAST_BATCH === BROADCAST_BATCH - 1) await yieldTurn();
      }
    },
    close: async () => {
      for (const ws of members) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => http.close(() => resolve())));
    },
  };
}

const STARTERS: Record<BroadcastCompetitor, () => Promise<RunningServer>> = {
  bp: startBp,
  'socket.io': startSocketIo,
  'ws-msgpackr': startWsMsgpackr,
};

type Command = { op: 'members' } | { op: 'broadcast'; count: number } | { op: 'close' };

/** Child entry: starts the named server, reports its port, then obeys the parent over IPC. */
export async function runBroadcastServer(name: string): Promise<void> {
  const start = STARTERS[name as BroadcastCompetitor];
  if (start === undefined) throw new Error(`unknown broadcast competitor '${name}'`);
  const server = await start();
  process.on('message', async (command: Command) => {
    if (command.op === 'members') process.send!({ members: server.members() });
    else if (command.op === 'broadcast') {
      await server.broadcast(command.count);
      process.send!({ broadcast: command.count });
    } else {
      await server.close();
      process.send!({ closed: true }, () => process.exit(0));
    }
  });
  process.send!({ port: server.port });
}
