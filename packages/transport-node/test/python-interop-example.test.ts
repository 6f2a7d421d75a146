import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { callServer, startServer } from '../examples/python-interop.js';
import { runPeerClient, startPeerServer } from './fixtures/binary-protocol.js';

const variant = { headerFormat: '>H', checksum: false, udp: false };

test('the README example: a bp server serves a Python client of the binary_protocol wire', async () => {
  const server = await startServer();
  try {
    const result = await runPeerClient(server.address()?.port as number, variant, {
      messages: [
        { type: 2, data: { status_code: 200, message: 'ok' } },
        { type: 1, data: { sensor1: 1.5, sensor2: 2, sensor3: 3, sensor4: 4 } },
        { type: 9 }, // a type neither side has: the header alone
      ],
    });
    expect(result.replies).toEqual([
      [2, { status_code: 201, message: 'OK' }],
      [15, {}],
      [0xffff, {}],
    ]);
  } finally {
    await server.stop();
  }
});

test('the README example: a bp client calls a Python server of the binary_protocol wire', async () => {
  const peer = await startPeerServer(variant);
  try {
    expect(await callServer(peer.port)).toEqual(['STATUS {"status_code":201,"message":"OK"}', 'STATUS_OK']);
  } finally {
    await peer.stop();
  }
});

test('the README shows the example file as it is', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/python-interop.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
});
