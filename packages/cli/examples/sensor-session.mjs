// A bp server and client on 127.0.0.1 talking the sensor protocol, for the README's capture
// walkthrough: node examples/sensor-session.mjs [port]
import { connect, createServer } from '@bp/transport-node';
import { protocol, MessageType as T } from './sensor-protocol.mjs';

const port = Number(process.argv[2] ?? 7000);
const token = 'demo-token';
const server = createServer({
  protocol,
  auth: { token },
  limits: { heartbeatInterval: 0 },
  handlers: {
    [T.SENSOR_DATA]: () => {},
    [T.GET_READING]: ({ station, index }) => ({
      values: [BigInt(index), -5n],
      unit: 'celsius',
      note: station,
    }),
  },
});
await server.listen({ host: '127.0.0.1', port });
const client = await connect({ host: '127.0.0.1', port, protocol, token });
client.send(T.SENSOR_DATA, { sensor1: 21.5, sensor2: 18.25, station: 'north-7', seq: 1n });
client.send(T.SENSOR_DATA, { sensor1: 19, sensor2: 18.5, station: 'south-2', seq: 2n });
const reading = await client.request(T.GET_READING, { station: 'north', index: 3 });
console.log('reading:', reading);
await client.close();
await server.close();
