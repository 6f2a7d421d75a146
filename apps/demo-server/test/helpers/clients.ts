import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as connectWs, type WebSocketClient } from '@bp/transport-browser';
import { connect } from '@bp/transport-node';
import WebSocket from 'ws';
import { type DemoProtocol, demoProtocol } from '../../src/schema.js';
import type { DemoProcess } from './demo-process.js';

type NodeClient = Awaited<ReturnType<typeof connect<DemoProtocol>>>;

const open: Array<{ close(options?: { deadline?: number }): Promise<void> }> = [];

/** A TCP client of `demo`, closed by {@link closeClients}. */
export async function tcpClient(
  demo: Pick<DemoProcess, 'tcpPort' | 'token'>,
  token = demo.token,
): Promise<NodeClient> {
  const client = await connect({
    host: '127.0.0.1',
    port: demo.tcpPort,
    protocol: demoProtocol,
    token,
    reconnect: false,
  });
  open.push(client);
  return client;
}

/** A TLS client that trusts only the development certificate in the server's data folder. */
export async function tlsClient(
  demo: Pick<DemoProcess, 'tlsPort' | 'token' | 'dataDir'>,
): Promise<NodeClient> {
  const ca = readFileSync(join(demo.dataDir, 'dev-cert.pem'), 'utf8');
  const client = await connect({
    host: '127.0.0.1',
    port: demo.tlsPort,
    protocol: demoProtocol,
    token: demo.token,
    tls: { ca, rejectUnauthorized: true },
    reconnect: false,
  });
  open.push(client);
  return client;
}

/** A WebSocket client (the browser package, with the `ws` WebSocket on Node 20). */
export async function wsClient(
  demo: Pick<DemoProcess, 'httpPort' | 'token'>,
  path = '/bp',
): Promise<WebSocketClient<DemoProtocol>> {
  const client = await connectWs(`ws://127.0.0.1:${demo.httpPort}${path}`, {
    protocol: demoProtocol,
    token: demo.token,
    WebSocket: WebSocket as never,
    reconnect: false,
  });
  open.push(client);
  return client;
}

export async function closeClients(): Promise<void> {
  await Promise.allSettled(open.splice(0).map((c) => c.close({ deadline: 1000 })));
}
