// The shared client behaviour suite (@bp/test-kit) against the client core itself, with a dialer
// of in-memory transport pairs and server sessions: the core's behaviour without any socket. The
// transports run the same suite over TCP, TLS and WebSocket (in Node and in Chromium).
import {
  behaviourProtocol,
  behaviourScenarios,
  type DialFactory,
  type Listen,
  startBehaviourServer,
} from '@bp/test-kit/client-behaviour';
import { clientBehaviourSuite } from '@bp/test-kit/client-behaviour/suite';
import { TOKEN } from '@bp/test-kit/protocols';
import {
  ClientError,
  createMemoryTransportPair,
  createServerSession,
  type Dialer,
  type MemoryTransport,
  ReconnectingClient,
  type Session,
} from '../../src/index.js';

clientBehaviourSuite('client core over memory transports', async () => {
  // While the server "listens", a dial gets the client end of a fresh pair, the server a session
  // on the other end.
  let accept: ((transport: MemoryTransport) => void) | undefined;
  const listen: Listen = async (_port, handlers, protocol) => {
    const sessions = new Set<Session<any>>();
    accept = (transport) => {
      const session = createServerSession({
        protocol,
        transport,
        handlers: handlers as never,
        auth: { token: TOKEN },
      });
      sessions.add(session);
      session.onClose(() => sessions.delete(session));
      transport.attach(session);
    };
    return {
      port: 1,
      async close() {
        accept = undefined;
        await Promise.all([...sessions].map((session) => session.close({ deadline: 100, code: 'shutdown' })));
      },
    };
  };
  const dialer: Dialer = {
    target: 'memory',
    async dial(signal) {
      if (signal.aborted) throw signal.reason;
      if (accept === undefined) throw new ClientError('connect-failed', 'nothing listens in memory');
      const [client, server] = createMemoryTransportPair();
      accept(server);
      return { transport: client };
    },
  };
  const server = await startBehaviourServer(listen, behaviourProtocol);
  const dial: DialFactory = {
    connect: async (options) => {
      const client = new ReconnectingClient(dialer, { token: TOKEN, ...options }, 'fail-fast');
      await client.ready;
      return client;
    },
    create: (options) => new ReconnectingClient(dialer, { token: TOKEN, ...options }, 'retry'),
  };
  return {
    run: (scenario) => behaviourScenarios[scenario]({ dial, server }) as never,
    close: () => server.close(),
  };
});
