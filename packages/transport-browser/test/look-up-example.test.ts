// The README's "One client, two transports" program (examples/look-up.ts) over WebSocket, in
// Node with `ws`; and the check that it is the Node client's program with other imports.
import { readFileSync } from 'node:fs';
import { createServer } from '@bp/transport-node';
import { expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { MessageType, protocol } from '../examples/browser/protocol.js';
import { lookUp } from '../examples/look-up.js';
import type { WebSocketConstructor } from '../src/index.js';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const body = (source: string) =>
  source
    .split('\n')
    .filter((line) => !line.startsWith('import '))
    .join('\n');

test('the README shows examples/look-up.ts', () => {
  expect(read('../README.md')).toContain(read('../examples/look-up.ts').trim());
});

test("it is @bp/transport-node's look-up program: only the imports differ", () => {
  const browser = read('../examples/look-up.ts');
  const node = read('../../transport-node/examples/look-up.ts');
  expect(browser).not.toEqual(node);
  expect(body(browser)).toEqual(body(node));
});

test('the look-up program runs over WebSocket', async () => {
  const server = createServer({
    protocol,
    handlers: { [MessageType.GET]: ({ key }) => ({ key, value: key.length }) },
    auth: { token: 'secret' },
  });
  const listener = await server.listenWebSocket({ host: '127.0.0.1', port: 0, path: '/bp' });
  try {
    const dial = { url: listener.url, WebSocket: WebSocket as unknown as WebSocketConstructor };
    expect(await lookUp(dial, 'secret', ['a', 'bb'])).toEqual(['a = 1', 'bb = 2', 'open -> closed']);
  } finally {
    await server.close({ deadline: 100 });
  }
});
