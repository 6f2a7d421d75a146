// Interceptors (interceptor.ts) and per-call metadata (docs/PROTOCOL.md section 20) over the
// in-memory transport: order, short-circuit, error mapping, metadata both ways, what goes on the
// wire when there is none, and old peers.
import { describe, expect, test, vi } from 'vitest';
import {
  ApplicationError,
  type Call,
  createClientSession,
  createMemoryTransportPair,
  createServerSession,
  type Interceptor,
  type Metadata,
  SessionError,
} from '../src/index.js';
import { FrameKind, PROTOCOL_VERSION } from '../src/wire/index.js';
import {
  connect,
  helloFor,
  RecordingTransport,
  readFramesForTest,
  settle,
  T,
  type TestProtocol,
  testProtocol,
} from './fixtures.js';

type P = TestProtocol;

/** Records which interceptor saw what, in order. */
function recorder(name: string, log: string[]): Interceptor<P> {
  return (next) => async (call) => {
    log.push(`${name}>${call.direction}:${call.kind}:${call.typeName}`);
    try {
      const result = await next(call);
      log.push(`${name}<ok`);
      return result;
    } catch (error) {
      log.push(`${name}<${(error as { code?: string }).code}`);
      throw error;
    }
  };
}

/** Every frame both sessions wrote, by the side that wrote it. */
function wireTap(pair: {
  clientEnd: { write(c: Uint8Array): boolean };
  serverEnd: { write(c: Uint8Array): boolean };
}) {
  const sent = { client: [] as Uint8Array[], server: [] as Uint8Array[] };
  for (const side of ['client', 'server'] as const) {
    const end = side === 'client' ? pair.clientEnd : pair.serverEnd;
    const write = end.write.bind(end);
    end.write = (chunk: Uint8Array) => {
      sent[side].push(chunk.slice());
      return write(chunk);
    };
  }
  const kinds = (side: 'client' | 'server') =>
    sent[side].flatMap((chunk) => readFramesForTest(chunk).map((f) => f.kind));
  return { sent, kinds };
}

describe('interceptors', () => {
  test('run in array order around requests and messages, both directions, on both sides', async () => {
    const log: string[] = [];
    const { client, server } = connect({
      protocol: testProtocol,
      server: {
        interceptors: [recorder('s1', log), recorder('s2', log)],
        handlers: {
          [T.ADD]: ({ a, b }) => {
            log.push('handler');
            return { sum: a + b };
          },
          [T.NOTE]: () => {
            log.push('note');
          },
        },
      },
      client: { interceptors: [recorder('c1', log), recorder('c2', log)] },
    });
    await client.ready;
    expect(await client.request(T.ADD, { a: 2, b: 3 })).toEqual({ sum: 5 });
    expect(log).toEqual([
      'c1>outgoing:request:ADD',
      'c2>outgoing:request:ADD',
      's1>incoming:request:ADD',
      's2>incoming:request:ADD',
      'handler',
      's2<ok',
      's1<ok',
      'c2<ok',
      'c1<ok',
    ]);
    // One-way calls: each side's interceptors in order (the two sides interleave as the
    // transport delivers, so each side's log is checked on its own).
    const side = (prefix: string) =>
      log.filter((entry) => entry.startsWith(prefix) || (prefix === 's' && entry === 'note'));
    log.length = 0;
    expect(client.send(T.NOTE, { text: 'hi' })).toBe(true);
    await settle();
    expect(side('c')).toEqual(['c1>outgoing:message:NOTE', 'c2>outgoing:message:NOTE', 'c2<ok', 'c1<ok']);
    expect(side('s')).toEqual([
      's1>incoming:message:NOTE',
      's2>incoming:message:NOTE',
      'note',
      's2<ok',
      's1<ok',
    ]);
    // A push from the server passes the server's interceptors outgoing and the client's incoming.
    log.length = 0;
    const pushed = new Promise((resolve) => client.on(T.TICK, resolve));
    server.send(T.TICK, { n: 1 });
    expect(await pushed).toEqual({ n: 1 });
    await settle();
    expect(side('s')).toEqual(['s1>outgoing:message:TICK', 's2>outgoing:message:TICK', 's2<ok', 's1<ok']);
    expect(side('c')).toEqual(['c1>incoming:message:TICK', 'c2>incoming:message:TICK', 'c2<ok', 'c1<ok']);
  });

  test('see the type, the decoded value, the principal, the peer and a signal; the value narrows by type', async () => {
    const seen: Call<P>[] = [];
    const inspect: Interceptor<P> = (next) => (call) => {
      seen.push(call);
      if (call.type === T.ADD) {
        // Infer flows through: call.value is { a: number; b: number } here.
        const sum: number = call.value.a + call.value.b;
        expect(sum).toBe(5);
      }
      return next(call);
    };
    const { client } = connect({
      protocol: testProtocol,
      server: {
        auth: { authenticate: (hello) => ({ user: hello.token }) },
        interceptors: [inspect],
        handlers: { [T.ADD]: ({ a, b }) => ({ sum: a + b }) },
      },
      client: { token: 'alice' },
    });
    await client.request(T.ADD, { a: 2, b: 3 });
    const [call] = seen;
    expect(call).toMatchObject({
      kind: 'request',
      direction: 'incoming',
      type: T.ADD,
      typeName: 'ADD',
      value: { a: 2, b: 3 },
      principal: { user: 'alice' },
      requestId: 1,
      peer: { version: PROTOCOL_VERSION },
    });
    expect(call!.signal).toBeInstanceOf(AbortSignal);
    expect(call!.signal.aborted).toBe(false);
  });

  test('short-circuit with a typed error: the handler does not run, the caller gets the code', async () => {
    const handler = vi.fn(({ a, b }: { a: number; b: number }) => ({ sum: a + b }));
    const deny: Interceptor<P> = (next) => async (call) => {
      if (call.direction === 'incoming' && call.metadata.tenant !== 'acme') {
        throw new ApplicationError(
          1403,
          `tenant ${call.metadata.tenant ?? '(none)'} may not ${call.typeName}`,
        );
      }
      return next(call);
    };
    const { client } = connect({
      protocol: testProtocol,
      server: { interceptors: [deny], handlers: { [T.ADD]: handler } },
    });
    await expect(client.request(T.ADD, { a: 1, b: 1 })).rejects.toMatchObject({
      code: 'application-error',
      wireCode: 1403,
      remote: true,
      message: 'tenant (none) may not ADD',
    });
    expect(handler).not.toHaveBeenCalled();
    expect(await client.request(T.ADD, { a: 1, b: 1 }, { metadata: { tenant: 'acme' } })).toEqual({ sum: 2 });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  test('a client interceptor short-circuits before anything is sent', async () => {
    const offline: Interceptor<P> = () => async () => {
      throw new SessionError('not-open', 'offline by policy');
    };
    const { client, clientEnd } = connect({ protocol: testProtocol, client: { interceptors: [offline] } });
    await client.ready;
    const tap = wireTap({ clientEnd, serverEnd: clientEnd });
    await expect(client.request(T.ADD, { a: 1, b: 1 })).rejects.toMatchObject({
      message: 'offline by policy',
    });
    const reported = vi.fn();
    const session = createClientSession({
      protocol: testProtocol,
      transport: new RecordingTransport(),
      interceptors: [offline],
      onHandlerError: reported,
    });
    session.send(T.NOTE, { text: 'dropped' });
    await settle();
    expect(reported).toHaveBeenCalledWith(expect.objectContaining({ message: 'offline by policy' }), {
      type: T.NOTE,
    });
    expect(tap.kinds('client')).toEqual([]);
  });

  test('error mapping: an interceptor turns a handler failure into an application error with its code', async () => {
    const mapErrors: Interceptor<P> = (next) => async (call) => {
      try {
        return await next(call);
      } catch (error) {
        if (error instanceof RangeError) throw new ApplicationError(1422, error.message);
        throw error;
      }
    };
    const { client } = connect({
      protocol: testProtocol,
      server: {
        interceptors: [mapErrors],
        handlers: {
          [T.ADD]: ({ a }) => {
            if (a < 0) throw new RangeError('a must not be negative');
            return { sum: a };
          },
        },
      },
    });
    await expect(client.request(T.ADD, { a: -1, b: 0 })).rejects.toMatchObject({
      wireCode: 1422,
      message: 'a must not be negative',
    });
  });

  test('time and observe the outcome of every call, errors included', async () => {
    const outcomes: { type: string | undefined; ok: boolean; ms: number }[] = [];
    const observe: Interceptor<P> = (next) => async (call) => {
      const started = performance.now();
      try {
        const result = await next(call);
        outcomes.push({ type: call.typeName, ok: true, ms: performance.now() - started });
        return result;
      } catch (error) {
        outcomes.push({ type: call.typeName, ok: false, ms: performance.now() - started });
        throw error;
      }
    };
    const { client } = connect({
      protocol: testProtocol,
      client: { interceptors: [observe] },
      server: {
        handlers: {
          [T.ECHO]: ({ text }) => ({ text }),
          [T.ADD]: () => {
            throw new ApplicationError(1000, 'no');
          },
        },
      },
    });
    await client.request(T.ECHO, { text: 'x', delay: 0 });
    await expect(client.request(T.ADD, { a: 1, b: 2 })).rejects.toThrow('no');
    expect(outcomes.map(({ type, ok }) => ({ type, ok }))).toEqual([
      { type: 'ECHO', ok: true },
      { type: 'ADD', ok: false },
    ]);
    for (const o of outcomes) expect(o.ms).toBeGreaterThanOrEqual(0);
  });

  test('an interceptor that is not a function is refused when the session is made', () => {
    expect(() =>
      createClientSession({
        protocol: testProtocol,
        transport: new RecordingTransport(),
        interceptors: [42 as never],
      }),
    ).toThrow(/interceptors\[0\] must be a function/);
  });
});

describe('metadata', () => {
  test('travels with requests and replies both ways, and with one-way messages', async () => {
    const replies: Metadata[] = [];
    const seenByHandler: Metadata[] = [];
    const { client, server } = connect({
      protocol: testProtocol,
      server: {
        handlers: {
          [T.ASK]: ({ question }, context) => {
            seenByHandler.push({ ...context.metadata });
            context.replyMetadata['server-timing'] = 'db;dur=3';
            return { answer: `${question}!` };
          },
          [T.NOTE]: (_value, context) => {
            seenByHandler.push({ ...context.metadata });
          },
        },
      },
      client: {
        handlers: {
          [T.ADD]: ({ a, b }, context) => {
            context.replyMetadata.who = 'client';
            return { sum: a + b + Number(context.metadata.bonus ?? 0) };
          },
        },
      },
    });
    const answer = await client.request(
      T.ASK,
      { question: 'why' },
      { metadata: { tenant: 'acme', traceparent: 'x' }, onReplyMetadata: (m) => replies.push({ ...m }) },
    );
    expect(answer).toEqual({ answer: 'why!' });
    expect(seenByHandler).toEqual([{ tenant: 'acme', traceparent: 'x' }]);
    expect(replies).toEqual([{ 'server-timing': 'db;dur=3' }]);
    client.send(T.NOTE, { text: 'n' }, { metadata: { 'x-id': 'é✓' } });
    client.send(T.NOTE, { text: 'plain' });
    await settle();
    expect(seenByHandler.slice(1)).toEqual([{ 'x-id': 'é✓' }, {}]);
    // Server to client.
    const fromClient: Metadata[] = [];
    expect(
      await server.request(
        T.ADD,
        { a: 1, b: 2 },
        { metadata: { bonus: '10' }, onReplyMetadata: (m) => fromClient.push({ ...m }) },
      ),
    ).toEqual({ sum: 13 });
    expect(fromClient).toEqual([{ who: 'client' }]);
  });

  test('an ERROR answer carries reply metadata too', async () => {
    const replies: Metadata[] = [];
    const { client } = connect({
      protocol: testProtocol,
      server: {
        handlers: {
          [T.ADD]: (_value, context) => {
            context.replyMetadata['retry-after'] = '5';
            throw new ApplicationError(1429, 'slow down');
          },
        },
      },
    });
    await expect(
      client.request(T.ADD, { a: 1, b: 1 }, { onReplyMetadata: (m) => replies.push({ ...m }) }),
    ).rejects.toMatchObject({ wireCode: 1429 });
    expect(replies).toEqual([{ 'retry-after': '5' }]);
  });

  test('interceptors add metadata on the way out and read the reply metadata', async () => {
    const stamp: Interceptor<P> = (next) => async (call) => {
      const result = await next({ ...call, metadata: { ...call.metadata, traceparent: 'trace-1' } });
      return { ...result, metadata: { ...result.metadata, seen: 'yes' } };
    };
    const echoMetadata: Interceptor<P> = (next) => async (call) => {
      const result = await next(call);
      return { ...result, metadata: { echoed: call.metadata.traceparent ?? '' } };
    };
    const replies: Metadata[] = [];
    const { client } = connect({
      protocol: testProtocol,
      client: { interceptors: [stamp] },
      server: { interceptors: [echoMetadata], handlers: { [T.ADD]: ({ a, b }) => ({ sum: a + b }) } },
    });
    await client.request(T.ADD, { a: 1, b: 1 }, { onReplyMetadata: (m) => replies.push({ ...m }) });
    expect(replies).toEqual([{ echoed: 'trace-1', seen: 'yes' }]);
  });

  test('costs zero bytes on the wire when absent, and is one METADATA frame before its call when present', async () => {
    const pair = connect({
      protocol: testProtocol,
      server: { handlers: { [T.ADD]: ({ a, b }) => ({ sum: a + b }), [T.NOTE]: () => {} } },
    });
    await pair.client.ready;
    const tap = wireTap(pair);
    await pair.client.request(T.ADD, { a: 1, b: 2 });
    pair.client.send(T.NOTE, { text: 'x' });
    await settle();
    const plain = tap.sent.client.reduce((n, c) => n + c.length, 0);
    expect(tap.kinds('client')).toEqual([FrameKind.REQUEST, FrameKind.MESSAGE]);
    expect(tap.kinds('server')).toEqual([FrameKind.RESPONSE]);
    // Exactly the frames of version 1: header, id, type header, payload (two i32; a u32-prefixed string).
    expect(plain).toBe(4 + 4 + 2 + 8 + (4 + 2 + 4 + 1));
    tap.sent.client.length = 0;
    tap.sent.server.length = 0;
    // Empty metadata objects are "absent" too.
    await pair.client.request(T.ADD, { a: 1, b: 2 }, { metadata: {} });
    expect(tap.kinds('client')).toEqual([FrameKind.REQUEST]);
    tap.sent.client.length = 0;
    await pair.client.request(T.ADD, { a: 1, b: 2 }, { metadata: { tenant: 'acme' } });
    const frames = tap.sent.client.flatMap((c) => readFramesForTest(c));
    expect(frames.map((f) => f.kind)).toEqual([FrameKind.METADATA, FrameKind.REQUEST]);
    expect(Buffer.from(frames[0]!.body).toString('hex')).toBe(
      `${'00000003'}01${'06'}${Buffer.from('tenant').toString('hex')}0004${Buffer.from('acme').toString('hex')}`,
    );
  });

  test('with interceptors installed and no metadata, the wire is the same as without', async () => {
    const passThrough: Interceptor<P> = (next) => (call) => next(call);
    const pair = connect({
      protocol: testProtocol,
      client: { interceptors: [passThrough] },
      server: { interceptors: [passThrough], handlers: { [T.ADD]: ({ a, b }) => ({ sum: a + b }) } },
    });
    await pair.client.ready;
    const tap = wireTap(pair);
    await pair.client.request(T.ADD, { a: 1, b: 2 });
    expect(tap.kinds('client')).toEqual([FrameKind.REQUEST]);
    expect(tap.kinds('server')).toEqual([FrameKind.RESPONSE]);
  });

  test('a version-1 peer never gets a METADATA frame: the call fails with metadata-unsupported', async () => {
    const transport = new RecordingTransport();
    const server = createServerSession({
      protocol: testProtocol,
      transport,
      limits: { heartbeatInterval: 0 },
      handlers: {
        [T.ADD]: ({ a, b }, context) => {
          context.replyMetadata.late = 'x';
          return { sum: a + b };
        },
      },
      onHandlerError: (error) => reported.push(error),
    });
    const reported: unknown[] = [];
    server.receive(helloFor(testProtocol, { minVersion: 1, maxVersion: 1 }));
    await server.ready;
    expect(server.peer?.version).toBe(1);
    transport.take();
    await expect(server.request(T.ADD, { a: 1, b: 1 }, { metadata: { a: 'b' } })).rejects.toMatchObject({
      code: 'metadata-unsupported',
    });
    expect(() => server.send(T.TICK, { n: 1 }, { metadata: { a: 'b' } })).toThrow(
      expect.objectContaining({ code: 'metadata-unsupported' }),
    );
    await settle();
    expect(transport.take()).toEqual([]);
    // A reply's metadata to a version-1 peer is left out and reported; the reply itself goes.
    const { encodeRequestFrame } = await import('../src/wire/index.js');
    server.receive(encodeRequestFrame(testProtocol, 9, T.ADD, { a: 2, b: 2 }));
    await settle();
    expect(transport.take().map((f) => f.kind)).toEqual([FrameKind.RESPONSE]);
    expect(reported).toEqual([expect.objectContaining({ code: 'metadata-unsupported' })]);
  });

  test('limits: the sender checks its own, the receiver enforces its own (fatal payload-too-large)', async () => {
    const { client } = connect({
      protocol: testProtocol,
      client: { limits: { maxMetadataEntries: 2, maxMetadataSize: 64 } },
      server: { handlers: { [T.ADD]: ({ a, b }) => ({ sum: a + b }) } },
    });
    await expect(
      client.request(T.ADD, { a: 1, b: 1 }, { metadata: { a: '1', b: '2', c: '3' } }),
    ).rejects.toMatchObject({
      code: 'metadata-too-large',
    });
    await expect(
      client.request(T.ADD, { a: 1, b: 1 }, { metadata: { a: 'x'.repeat(100) } }),
    ).rejects.toMatchObject({
      code: 'metadata-too-large',
    });
    await expect(client.request(T.ADD, { a: 1, b: 1 }, { metadata: { Tenant: 'x' } })).rejects.toMatchObject({
      code: 'invalid-metadata',
    });
    // The connection is still fine: nothing was sent for those.
    expect(await client.request(T.ADD, { a: 1, b: 1 }, { metadata: { a: '1' } })).toEqual({ sum: 2 });

    const strict = connect({
      protocol: testProtocol,
      server: { limits: { maxMetadataSize: 16 }, handlers: { [T.ADD]: ({ a, b }) => ({ sum: a + b }) } },
    });
    await expect(
      strict.client.request(T.ADD, { a: 1, b: 1 }, { metadata: { tenant: 'a-long-tenant-name' } }),
    ).rejects.toMatchObject({ code: 'payload-too-large', remote: true });
    expect(strict.client.state).toBe('closed');
  });

  test('metadata made during the handshake waits for it', async () => {
    const [serverEnd, clientEnd] = createMemoryTransportPair();
    const client = createClientSession({ protocol: testProtocol, transport: clientEnd });
    clientEnd.attach(client);
    const seen: Metadata[] = [];
    const reply = client.request(T.ADD, { a: 1, b: 1 }, { metadata: { early: 'yes' } });
    const server = createServerSession({
      protocol: testProtocol,
      transport: serverEnd,
      handlers: {
        [T.ADD]: ({ a, b }, context) => {
          seen.push({ ...context.metadata });
          return { sum: a + b };
        },
      },
    });
    serverEnd.attach(server);
    expect(await reply).toEqual({ sum: 2 });
    expect(seen).toEqual([{ early: 'yes' }]);
  });
});
