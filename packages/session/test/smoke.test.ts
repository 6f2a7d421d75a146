import { expect, test } from 'vitest';
import { connect, T, testProtocol } from './fixtures.js';

test('handshake, request and message', async () => {
  const notes: string[] = [];
  const { client, server } = connect({
    protocol: testProtocol,
    server: {
      handlers: {
        [T.ADD]: ({ a, b }) => ({ sum: a + b }),
        [T.NOTE]: ({ text }) => {
          notes.push(text);
        },
      },
    },
  });
  await client.ready;
  await server.ready;
  expect(await client.request(T.ADD, { a: 2, b: 3 })).toEqual({ sum: 5 });
  client.send(T.NOTE, { text: 'hi' });
  await client.request(T.ADD, { a: 0, b: 0 });
  expect(notes).toEqual(['hi']);
  await client.close();
  expect(client.state).toBe('closed');
});
