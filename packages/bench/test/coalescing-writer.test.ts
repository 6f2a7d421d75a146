import { once } from 'node:events';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CoalescingWriter } from '../src/competitors/coalescing-writer.js';
import { FrameReader } from '../src/competitors/frame-reader.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A real socket pair on 127.0.0.1: the writer's socket and every chunk the peer reads. */
async function pair(): Promise<{ socket: net.Socket; chunks: Buffer[]; frames: Buffer[] }> {
  const chunks: Buffer[] = [];
  const frames: Buffer[] = [];
  const reader = new FrameReader((b, start, end) => frames.push(Buffer.from(b.subarray(start, end))));
  const server = net.createServer((peer) =>
    peer.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      reader.push(chunk);
    }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await once(socket, 'connect');
  closers.push(() => {
    socket.destroy();
    server.close();
  });
  return { socket, chunks, frames };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('CoalescingWriter (the hand-written reference)', () => {
  it('writes every frame of one turn in order, growing its buffer past the first size', async () => {
    const { socket, frames } = await pair();
    const writer = new CoalescingWriter(socket);
    const sent: Buffer[] = [];
    for (let i = 0; i < 300; i++) {
      const payload = Buffer.alloc(1 + (i % 50), i & 255);
      const { buffer, offset } = writer.frame(payload.length);
      payload.copy(buffer, offset);
      sent.push(payload);
    }
    const big = Buffer.alloc(3 * 1024 * 1024, 7); // above the largest turn buffer: written on its own
    const { buffer, offset } = writer.frame(big.length);
    big.copy(buffer, offset);
    sent.push(big);
    await until(() => frames.length === sent.length);
    expect(frames.length).toBe(sent.length);
    for (const [i, f] of frames.entries()) expect(f.equals(sent[i]!)).toBe(true);
  });

  it('writes a turn of small frames with one socket write', async () => {
    const { socket, chunks, frames } = await pair();
    const writer = new CoalescingWriter(socket);
    let writes = 0;
    const original = socket.write.bind(socket);
    socket.write = ((...args: Parameters<typeof socket.write>) => {
      writes++;
      return original(...args);
    }) as typeof socket.write;
    for (let i = 0; i < 100; i++) writer.frame(16).buffer.fill(1);
    await until(() => frames.length === 100);
    expect(writes).toBe(1);
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(100 * 20);
  });
});
