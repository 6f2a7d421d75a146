import { describe, expect, test, vi } from 'vitest';
import { isUsageError } from '../src/index.js';
import { connect, T, testProtocol } from './fixtures.js';

describe('one-way messages', () => {
  test('on() per type, in order, until unsubscribed; both directions', async () => {
    const { client, server } = connect({ protocol: testProtocol });
    const atServer: number[] = [];
    const atClient: string[] = [];
    const off = server.on(T.TICK, ({ n }) => atServer.push(n));
    client.on(T.NOTE, ({ text }) => atClient.push(text));
    await client.ready;
    for (let n = 0; n < 100; n++) client.send(T.TICK, { n });
    server.send(T.NOTE, { text: 'from server' });
    await vi.waitUntil(() => atServer.length === 100 && atClient.length === 1);
    expect(atServer).toEqual(Array.from({ length: 100 }, (_, i) => i));
    off();
    client.send(T.TICK, { n: 100 });
    client.send(T.NOTE, { text: 'marker' });
    const marker = new Promise<void>((resolve) => server.on(T.NOTE, () => resolve()));
    await marker;
    expect(atServer).toHaveLength(100);
  });

  test('a throwing one-way handler is reported and does not disturb other handlers or the connection', async () => {
    const errors: unknown[] = [];
    const seen: number[] = [];
    const { client, server } = connect({
      protocol: testProtocol,
      server: { onHandlerError: (e, info) => errors.push([(e as Error).message, info.type]) },
    });
    server.on(T.TICK, ({ n }) => {
      if (n === 1) throw new Error('bad tick');
    });
    server.on(T.TICK, ({ n }) => seen.push(n));
    await client.ready;
    for (let n = 0; n < 3; n++) client.send(T.TICK, { n });
    await vi.waitUntil(() => seen.length === 3);
    expect(errors).toEqual([['bad tick', T.TICK]]);
    expect(server.state).toBe('open');
  });

  test('without onHandlerError a throwing one-way handler is logged, never rethrown', async () => {
    const logged: unknown[][] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const seen: number[] = [];
      const { client, server } = connect({ protocol: testProtocol });
      server.on(T.TICK, ({ n }) => {
        if (n === 1) throw new Error('bad tick');
        seen.push(n);
      });
      await client.ready;
      for (let n = 0; n < 3; n++) client.send(T.TICK, { n });
      await vi.waitUntil(() => seen.length === 2);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(uncaught).toEqual([]);
      expect(logged).toHaveLength(1);
      expect(String(logged[0]![0])).toContain(`message type ${T.TICK}`);
      expect((logged[0]![1] as Error).message).toBe('bad tick');
      expect(server.state).toBe('open');
    } finally {
      process.off('uncaughtException', onUncaught);
      spy.mockRestore();
    }
  });

  test('messages() as an async iterator; ends when the session closes', async () => {
    const { client, server } = connect({ protocol: testProtocol });
    const iterator = server.messages(T.TICK);
    await client.ready;
    for (let n = 0; n < 5; n++) client.send(T.TICK, { n });
    const got: number[] = [];
    const done = (async () => {
      for await (const { n } of iterator) got.push(n);
    })();
    await vi.waitUntil(() => got.length === 5);
    await client.close();
    await done;
    expect(got).toEqual([0, 1, 2, 3, 4]);
  });

  test('a second next() before the first settled is a UsageError; the first still gets its message', async () => {
    const { client, server } = connect({ protocol: testProtocol });
    const iterator = server.messages(T.TICK);
    await client.ready;
    const first = iterator.next();
    const second = iterator.next();
    await expect(second).rejects.toMatchObject({ name: 'UsageError', code: 'concurrent-next' });
    expect(isUsageError(await second.catch((e: unknown) => e))).toBe(true);
    client.send(T.TICK, { n: 7 });
    await expect(first).resolves.toEqual({ value: { n: 7 }, done: false });
    await client.close();
  });

  test('messages() stops on abort and rejects with the abort reason', async () => {
    const { client, server } = connect({ protocol: testProtocol });
    const controller = new AbortController();
    const iterator = server.messages(T.TICK, { signal: controller.signal });
    await client.ready;
    const next = iterator.next();
    controller.abort(new Error('enough'));
    await expect(next).rejects.toThrow('enough');
    // The subscription is gone: later messages are not buffered for it.
    client.send(T.TICK, { n: 1 });
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
  });

  test('a slow for-await consumer pauses reading from the peer until it catches up', async () => {
    const { client, server, serverEnd } = connect({
      protocol: testProtocol,
      server: { limits: { iteratorHighWaterMark: 8 } },
    });
    const iterator = server.messages(T.TICK);
    await client.ready;
    for (let n = 0; n < 20; n++) client.send(T.TICK, { n });
    await vi.waitUntil(() => serverEnd.paused);
    const got: number[] = [];
    for (let i = 0; i < 20; i++) {
      const { value } = await iterator.next();
      got.push(value.n);
      if (i === 15) expect(serverEnd.paused).toBe(false);
    }
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await iterator.return?.();
  });
});

describe('session.data', () => {
  test("is the application's slot per connection: undefined until set, kept across messages, its own on each connection", async () => {
    const seen: [unknown, number][] = [];
    const handlers = {
      [T.TICK]: ({ n }: { n: number }, ctx: { session: { data: unknown } }) => {
        const counts = (ctx.session.data ??= { ticks: 0 }) as { ticks: number };
        counts.ticks += n;
        seen.push([ctx.session.data, counts.ticks]);
      },
    };
    const a = connect({ protocol: testProtocol, server: { handlers } });
    const b = connect({ protocol: testProtocol, server: { handlers } });
    expect(a.server.data).toBeUndefined();
    await a.client.ready;
    await b.client.ready;
    a.client.send(T.TICK, { n: 1 });
    a.client.send(T.TICK, { n: 2 });
    b.client.send(T.TICK, { n: 10 });
    await vi.waitUntil(() => seen.length === 3);
    expect(a.server.data).toEqual({ ticks: 3 });
    expect(b.server.data).toEqual({ ticks: 10 });
    expect(a.client.data).toBeUndefined();
    expect(seen.filter(([d]) => d === a.server.data).map(([, t]) => t)).toEqual([1, 3]);
  });
});
