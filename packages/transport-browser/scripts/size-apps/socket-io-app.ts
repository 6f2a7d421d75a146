// The same small app as bp-app.ts written with socket.io-client, for the size comparison: a
// connection with a token, a request answered by an acknowledgement, and a push subscription.
import { io } from 'socket.io-client';

const socket = io(location.origin, {
  path: '/socket.io',
  auth: { token: 'secret' },
  transports: ['websocket'],
});
const value = (await socket.emitWithAck('get', { key: 'a' })) as { key: string; value: number };
document.body.textContent = `a = ${value.value}`;
socket.on('sensor', (reading: { sensor1: number }) => {
  document.title = reading.sensor1.toFixed(2);
});
