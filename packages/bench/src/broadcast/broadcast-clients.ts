import { type BroadcastCompetitor, BroadcastType, broadcastProtocol } from './broadcast-protocol.js';

/** `count` members of one alternative, connected to `port`, counting the messages they receive. */
export interface Members {
  /** Messages received by all members together. */
  readonly received: number;
  close(): Promise<void>;
}

/** How many connections are opened at once (the accept queue and the handshakes stay short). */
const CONNECT_BATCH = 100;

async function inBatches<T>(count: number, open: () => Promise<T>): Promise<T[]> {
  const all: T[] = [];
  for (let i = 0; i < count; i += CONNECT_BATCH) {
    all.push(...(await Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, count - i) }, open))));
  }
  return all;
}

export async function connectMembers(
  name: BroadcastCompetitor,
  port: number,
  count: number,
): Promise<Members> {
  const state = { received: 0 };
  if (name === 'bp') {
    const { connect } = await import('@bp/transport-node');
    const clients = await inBatches(count, async () => {
      const client = await connect({
        host: '127.0.0.1',
        port,
        protocol: broadcastProtocol(),
        connectTimeout: 60_000,
        reconnect: false,
      });
      client.on(BroadcastType.TICK, () => state.received++);
      return client;
    });
    return {
      get received() {
        return state.received;
      },
      close: async () => {
        await Promise.all(clients.map((client) => client.close({ deadline: 200 })));
      },
    };
  }
  if (name === 'socket.io') {
    const { io } = await import('socket.io-client');
    const sockets = await inBatches(
      count,
      () =>
        new Promise<import('socket.io-client').Socket>((resolve, reject) => {
          const socket = io(`http://127.0.0.1:${port}`, {
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
          });
          socket.on('t', () => state.received++);
          socket.once('connect', () => resolve(socket));
          socket.once('connect_error', reject);
        }),
    );
    return {
      get received() {
        return state.received;
      },
      close: async () => {
        for (const socket of sockets) socket.disconnect();
      },
    };
  }
  const { WebSocket } = await import('ws');
  const { unpack } = await import('msgpackr');
  const sockets = await inBatches(
    count,
    () =>
      new Promise<import('ws').WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
        ws.binaryType = 'nodebuffer';
        ws.on('message', (data: Buffer) => {
          unpack(data);
          state.received++;
        });
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      }),
  );
  return {
    get received() {
      return state.received;
    },
    close: async () => {
      for (const ws of sockets) ws.terminate();
    },
  };
}
