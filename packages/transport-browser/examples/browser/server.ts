import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Session } from '@bp/session';
import { createServer } from '@bp/transport-node';
import { MessageType, protocol } from './protocol.js';

const page = `<!doctype html><meta charset="utf-8"><script type="module" src="/app.js"></script>`;
const http = createHttpServer((request, response) => {
  // A strict CSP: bp needs neither eval nor inline script.
  const csp = "default-src 'self'; script-src 'self'; connect-src 'self'";
  if (request.url === '/app.js') {
    response.writeHead(200, { 'content-type': 'text/javascript', 'content-security-policy': csp });
    response.end(readFileSync('dist/app.js'));
  } else {
    response.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': csp });
    response.end(page);
  }
});

const subscribers = new Set<Session<typeof protocol>>();
const server = createServer({
  protocol,
  auth: { token: process.env.BP_TOKEN ?? 'dev-token' },
  handlers: {
    [MessageType.GET]: ({ key }) => ({ key, value: key.length }),
    [MessageType.SUBSCRIBE]: ({ topic }, { session }) => {
      subscribers.add(session);
      session.onClose(() => subscribers.delete(session));
      return { topic };
    },
  },
});
// Same handlers, auth and limits as TCP clients; only same-origin pages may connect (allowedOrigins).
server.attachWebSocket(http, { path: '/bp' });
http.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}`);
});

setInterval(() => {
  const reading = { sensor1: Math.random(), sensor2: 2, sensor3: 3, sensor4: 4 };
  // send() returns false under backpressure; a sensor feed can simply skip a beat.
  for (const session of subscribers) session.send(MessageType.SENSOR_DATA, reading);
}, 100);
