// The README's interceptors and metadata example (examples/interceptors.ts), in Node with `ws`,
// against a real @bp/transport-node server that reads the metadata and answers with some.
import { readFileSync } from 'node:fs';
import { createServer } from '@bp/transport-node';
import { expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { MessageType, protocol } from '../examples/browser/protocol.js';
import { tracedLookUp } from '../examples/interceptors.js';
import type { WebSocketConstructor } from '../src/index.js';

test('the README shows examples/interceptors.ts', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/interceptors.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
});

test('the metadata reaches the handler and the reply metadata the interceptor, over WebSocket', async () => {
  const traces: string[] = [];
  const server = createServer({
    protocol,
    auth: { token: 'secret' },
    handlers: {
      [MessageType.GET]: ({ key }, { metadata, replyMetadata }) => {
        traces.push(metadata['x-trace-id'] ?? '(none)');
        replyMetadata['x-server-ms'] = '0';
        return { key, value: 42 };
      },
    },
  });
  const listener = await server.listenWebSocket({ host: '127.0.0.1', port: 0, path: '/bp' });
  try {
    const dial = { url: listener.url, WebSocket: WebSocket as unknown as WebSocketConstructor };
    expect(await tracedLookUp(dial, 'secret', 'trace-7')).toEqual([
      'GET took 0 ms on the server',
      'answer = 42',
    ]);
    expect(traces).toEqual(['trace-7']);
  } finally {
    await server.close({ deadline: 100 });
  }
});
