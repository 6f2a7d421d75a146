// The shared client behaviour suite (@bp/test-kit) against this package's client over TCP and
// over TLS, with a real server on 127.0.0.1 that the scenarios stop and start.
import {
  behaviourProtocol,
  behaviourScenarios,
  type DialFactory,
  type Listen,
  startBehaviourServer,
} from '@bp/test-kit/client-behaviour';
import { clientBehaviourSuite } from '@bp/test-kit/client-behaviour/suite';
import { generateTestPki } from '@bp/test-kit/pki';
import { TOKEN } from '@bp/test-kit/protocols';
import {
  type ClientTlsOptions,
  connect,
  createClient,
  createServer,
  type ServerTlsOptions,
} from '../src/index.js';

function listenOn(tls: ServerTlsOptions | undefined): Listen {
  return async (port, handlers, protocol) => {
    const server = createServer({ protocol, handlers: handlers as never, auth: { token: TOKEN }, tls });
    const address = await server.listen({ host: '127.0.0.1', port });
    return { port: address.port, close: () => server.close({ deadline: 100 }) };
  };
}

function dialer(port: number, tls: ClientTlsOptions | undefined): DialFactory {
  const where = { host: '127.0.0.1', port, token: TOKEN, tls };
  return {
    connect: (options) => connect({ ...where, ...options }),
    create: (options) => createClient({ ...where, ...options }),
  };
}

async function runner(tls?: { server: ServerTlsOptions; client: ClientTlsOptions }, dispose = () => {}) {
  const server = await startBehaviourServer(listenOn(tls?.server), behaviourProtocol);
  const env = { dial: dialer(server.port, tls?.client), server };
  return {
    run: (name: keyof typeof behaviourScenarios) => behaviourScenarios[name](env) as never,
    async close() {
      await server.close();
      dispose();
    },
  };
}

clientBehaviourSuite('Node client over TCP', () => runner());

clientBehaviourSuite('Node client over TLS', async () => {
  const pki = generateTestPki();
  return runner({ server: { key: pki.server.key, cert: pki.server.cert }, client: { ca: pki.ca } }, () =>
    pki.dispose(),
  );
});
