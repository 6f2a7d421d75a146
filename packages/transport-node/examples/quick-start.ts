import { f32, ProtocolConfig, string, struct, u32 } from '@bp/codec';
import { connect, createServer } from '@bp/transport-node';

export enum MessageType {
  GET = 1,
  VALUE = 2,
  SENSOR_DATA = 3,
  STATUS = 4,
}

export const protocol = new ProtocolConfig({
  messageTypeEnum: MessageType,
  messageStructures: {
    [MessageType.GET]: struct({ key: string() }),
    [MessageType.VALUE]: struct({ key: string(), value: u32 }),
    [MessageType.SENSOR_DATA]: struct({ sensor: u32, celsius: f32 }),
    [MessageType.STATUS]: struct({ text: string() }),
  },
  responses: { [MessageType.GET]: MessageType.VALUE }, // a GET request is answered by a VALUE
});

/** PEM strings; pass them to run the same example over TLS. */
export interface TlsFiles {
  key: string;
  cert: string;
  ca: string;
}

export async function main(tls?: TlsFiles): Promise<string[]> {
  const log: string[] = [];
  const store = new Map([['a', 42]]);

  const server = createServer({
    protocol,
    handlers: {
      // The return value is the reply (typed as VALUE).
      [MessageType.GET]: ({ key }) => ({ key, value: store.get(key) ?? 0 }),
      // One-way message; the handler can push back on the same connection.
      [MessageType.SENSOR_DATA]: ({ sensor, celsius }, { session }) => {
        session.send(MessageType.STATUS, { text: `sensor ${sensor} at ${celsius} C` });
      },
    },
    auth: { token: 'secret' },
    tls: tls && { key: tls.key, cert: tls.cert },
    limits: { maxConnections: 10_000, maxConnectionsPerAddress: 100, readTimeout: 30_000 },
  });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });

  const client = await connect({
    host: '127.0.0.1',
    port,
    protocol,
    token: 'secret',
    tls: tls && { ca: tls.ca },
    connectTimeout: 5_000,
  });
  const statusSeen = new Promise<void>((resolve) => {
    client.on(MessageType.STATUS, (status) => {
      log.push(`status: ${status.text}`);
      resolve();
    });
  });

  const value = await client.request(MessageType.GET, { key: 'a' });
  log.push(`a = ${value.value}`);
  client.send(MessageType.SENSOR_DATA, { sensor: 7, celsius: 21.5 });
  await statusSeen;

  await client.close(); // GOODBYE, drain in-flight requests, close
  await server.close(); // same for every connection, then stop listening
  log.push(`closed over ${tls ? 'TLS' : 'TCP'}`);
  return log;
}
