// The shared client behaviour suite (@bp/test-kit) against this package's client in Node, over a
// real bp WebSocket endpoint on 127.0.0.1, with `ws` and with undici's WHATWG WebSocket (the one
// Node 22+ ships as its global). client-behaviour-chromium.test.ts runs the same suite in Chromium.
import {
  behaviourProtocol,
  behaviourScenarios,
  type DialFactory,
  startBehaviourServer,
} from '@bp/test-kit/client-behaviour';
import { clientBehaviourSuite } from '@bp/test-kit/client-behaviour/suite';
import { TOKEN } from '@bp/test-kit/protocols';
import { WebSocket as UndiciWebSocket } from 'undici';
import { WebSocket } from 'ws';
import { connect, createClient, type WebSocketConstructor } from '../src/index.js';
import { listenWebSocket } from './fixtures/behaviour-server.js';

for (const [name, WebSocketImpl] of [
  ['ws', WebSocket],
  ['undici', UndiciWebSocket],
] as const) {
  clientBehaviourSuite(`browser client in Node over WebSocket (${name})`, async () => {
    const server = await startBehaviourServer(listenWebSocket(''), behaviourProtocol);
    const where = {
      url: `ws://127.0.0.1:${server.port}/bp`,
      token: TOKEN,
      WebSocket: WebSocketImpl as unknown as WebSocketConstructor,
    };
    const dial: DialFactory = {
      connect: (options) => connect({ ...where, ...options }),
      create: (options) => createClient({ ...where, ...options }),
    };
    return {
      run: (scenario) => behaviourScenarios[scenario]({ dial, server }) as never,
      close: () => server.close(),
    };
  });
}
