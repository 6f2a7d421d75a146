// The README's "One client, two transports" program (examples/look-up.ts), run over TCP against
// a real server.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { lookUp } from '../examples/look-up.js';
import { MessageType, protocol } from '../examples/quick-start.js';
import { createServer } from '../src/index.js';

function serve(port: number) {
  const server = createServer({
    protocol,
    handlers: { [MessageType.GET]: ({ key }) => ({ key, value: key.length }) },
    auth: { token: 'secret' },
  });
  return server.listen({ host: '127.0.0.1', port }).then((address) => ({ server, port: address.port }));
}

test('the README shows examples/look-up.ts', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/look-up.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
});

test('the look-up program runs over TCP', async () => {
  const { server, port } = await serve(0);
  try {
    expect(await lookUp({ host: '127.0.0.1', port }, 'secret', ['a', 'bb'])).toEqual([
      'a = 1',
      'bb = 2',
      'open -> closed',
    ]);
  } finally {
    await server.close({ deadline: 100 });
  }
});

test('a refused token rejects the connect (nothing is retried)', async () => {
  const { server, port } = await serve(0);
  try {
    await expect(lookUp({ host: '127.0.0.1', port }, 'wrong', ['a'])).rejects.toMatchObject({
      code: 'unauthorized',
    });
  } finally {
    await server.close({ deadline: 100 });
  }
});
