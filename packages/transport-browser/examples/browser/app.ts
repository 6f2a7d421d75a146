import { type ClientError, connect } from '@bp/transport-browser';
import { MessageType, protocol } from './protocol.js';

const status = document.body.appendChild(document.createElement('p'));
const url = `${location.origin.replace(/^http/, 'ws')}/bp`; // same origin as the page

try {
  const client = await connect(url, { protocol, token: 'dev-token' });

  // The connection state: connecting -> open -> reconnecting -> open ... -> closed.
  client.onStateChange(({ state, error, delay }) => {
    status.textContent =
      state === 'reconnecting' ? `reconnecting in ${Math.round(delay ?? 0)} ms (${error?.message})` : state;
  });

  // A typed request: `value` is { key: string; value: number }.
  const value = await client.request(MessageType.GET, { key: 'a' });
  console.log('a =', value.value);

  // Pushes: the handler stays registered across reconnects.
  client.on(MessageType.SENSOR_DATA, (reading) => {
    document.title = reading.sensor1.toFixed(3);
  });

  // Server-side subscription state is lost when the server restarts: subscribe() sends the
  // request now and again after every reconnect.
  client.subscribe(MessageType.SUBSCRIBE, { topic: 'sensors' });

  // Or consume pushes as an async iterator (a slow loop applies backpressure, see below).
  // for await (const reading of client.messages(MessageType.SENSOR_DATA)) draw(reading);
} catch (error) {
  // First connection failed: a SessionError ('unauthorized', 'schema-mismatch', 'server-busy')
  // or a ClientError ('connect-failed', 'connect-timeout').
  status.textContent = `cannot connect: ${(error as ClientError).code}`;
}
