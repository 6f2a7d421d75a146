// The client half of the shared behaviour suite. Every function runs against any bp client (TCP,
// TLS, WebSocket in Node, WebSocket bundled into a page in Chromium) and returns plain data, which
// `suite.ts` checks with the same expectations for every platform. Bounded in count and time.
import { until } from '../async.js';
import { expectedValue } from '../protocols.js';
import { type BehaviourProtocol, BehaviourType, behaviourProtocol } from './protocol.js';
import type { BehaviourClient, BehaviourEnv, BehaviourOptions, ObservedChange } from './types.js';

/** Fast retries, so that a restart costs tens of milliseconds. */
const FAST = { initialDelay: 20, maxDelay: 200 } as const;

/** An error as data: what the expectations look at. */
export interface ErrorSummary {
  readonly name: string | undefined;
  readonly code: string | undefined;
  readonly message: string | undefined;
}

function summary(error: unknown): ErrorSummary {
  const e = error as { name?: string; code?: string; message?: string } | undefined;
  return { name: e?.name, code: e?.code, message: e?.message };
}

async function rejection(promise: Promise<unknown>): Promise<ErrorSummary | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return summary(error);
  }
}

function thrown(call: () => unknown): ErrorSummary | 'returned' {
  try {
    call();
    return 'returned';
  } catch (error) {
    return summary(error);
  }
}

function options(extra: BehaviourOptions = {}): BehaviourOptions & { protocol: BehaviourProtocol } {
  return { protocol: behaviourProtocol, reconnect: FAST, ...extra };
}

/** Runs `body` with a client; always closes it, and leaves the server running for the next scenario. */
async function withClient<R>(
  env: BehaviourEnv,
  client: BehaviourClient | Promise<BehaviourClient>,
  body: (client: BehaviourClient) => Promise<R>,
): Promise<R> {
  const opened = await client;
  try {
    return await body(opened);
  } finally {
    await opened.close({ deadline: 100 });
    await env.server.start();
  }
}

function recordChanges(client: BehaviourClient): ObservedChange[] {
  const changes: ObservedChange[] = [];
  client.onStateChange((change) => changes.push(change));
  return changes;
}

function describeChanges(changes: ObservedChange[]) {
  return changes.map((change) => ({
    state: change.state,
    previous: change.previous,
    error: change.error === undefined ? undefined : summary(change.error).code,
    attempt: change.attempt,
    delay: typeof change.delay === 'number' ? 'number' : change.delay,
  }));
}

export const behaviourScenarios = {
  /** One object per state change, through a lost connection, a reconnect and close(). */
  async stateEvents(env: BehaviourEnv) {
    return withClient(env, env.dial.connect(options()), async (client) => {
      const initial = client.state;
      const changes = recordChanges(client);
      await env.server.stop();
      await until(() => client.state === 'reconnecting', 'the client to notice the stop');
      // Let an attempt or two fail against the stopped server.
      await until(() => changes.length >= 2, 'a failed reconnect attempt');
      await env.server.start();
      await client.connected();
      const reconnects = client.reconnects;
      await client.close();
      return { initial, reconnects, final: client.state, changes: describeChanges(changes) };
    });
  },

  /** on() listeners and subscribe() carry over a restart; subscriptions are sent again. */
  async reconnectResubscribe(env: BehaviourEnv) {
    return withClient(env, env.dial.connect(options()), async (client) => {
      const pushes: { seq: number; generation: number }[] = [];
      client.on(BehaviourType.PUSH, (push) => pushes.push({ seq: push.seq, generation: push.generation }));
      const replies: number[] = [];
      client.subscribe(
        BehaviourType.SUBSCRIBE,
        { topic: 'news' },
        { onReply: (r) => replies.push(r.generation) },
      );
      await until(() => replies.length === 1, 'the first SUBSCRIBED');
      await env.server.push('news', 1);
      await until(() => pushes.length === 1, 'the first push');
      await env.server.stop();
      await env.server.start();
      await until(() => replies.length === 2, 'the subscription sent again');
      await env.server.push('news', 2);
      await until(() => pushes.length === 2, 'a push from the restarted server');
      const stats = await env.server.stats();
      return { replies, pushes, reconnects: client.reconnects, subscribes: stats.subscribes };
    });
  },

  /** Default policy: calls made while disconnected wait, in order, and go out after the reconnect. */
  async queueWhileDisconnected(env: BehaviourEnv) {
    return withClient(env, env.dial.connect(options()), async (client) => {
      await client.request(BehaviourType.COUNT, { reset: 1 });
      await env.server.stop();
      await until(() => client.state === 'reconnecting', 'reconnecting');
      const sent = [0, 1, 2, 3, 4].map((seq) => client.send(BehaviourType.NOTE, { seq }));
      const value = { key: 'original' };
      const reply = client.request(BehaviourType.GET, value);
      // Queued values are copied at the call.
      value.key = 'changed';
      const queued = client.queued;
      await env.server.start();
      const got = await reply;
      const counted = await client.request(BehaviourType.COUNT, { reset: 1 });
      return {
        sent,
        queued,
        reply: got,
        replyOk: got.value === expectedValue('original'),
        counted,
        after: client.queued,
      };
    });
  },

  /** The disconnected queue is bounded in messages and bytes; past it calls fail with queue-full. */
  async queueBounds(env: BehaviourEnv) {
    return withClient(env, env.dial.connect(options({ maxQueuedMessages: 2 })), async (client) => {
      await env.server.stop();
      await until(() => client.state === 'reconnecting', 'reconnecting');
      const first = [0, 1].map((seq) => client.send(BehaviourType.NOTE, { seq }));
      const third = thrown(() => client.send(BehaviourType.NOTE, { seq: 2 }));
      const request = await rejection(client.request(BehaviourType.GET, { key: 'x' }));
      const bytes = env.dial.create(options({ maxQueuedBytes: 16 }));
      try {
        const large = thrown(() => bytes.send(BehaviourType.GET, { key: 'k'.repeat(64) }));
        return { first, third, request, large, queued: client.queued };
      } finally {
        await bytes.close();
      }
    });
  },

  /** A queued request's timeout and signal keep running while it waits. */
  async queuedTimeoutAndAbort(env: BehaviourEnv) {
    return withClient(env, env.dial.connect(options()), async (client) => {
      await env.server.stop();
      await until(() => client.state === 'reconnecting', 'reconnecting');
      const timedOut = await rejection(client.request(BehaviourType.GET, { key: 't' }, { timeout: 20 }));
      const controller = new AbortController();
      const pending = client.request(BehaviourType.GET, { key: 'a' }, { signal: controller.signal });
      controller.abort(new Error('user gave up'));
      const aborted = await rejection(pending);
      return { timedOut, aborted, queued: client.queued };
    });
  },

  /** whileDisconnected: 'fail': calls fail at once with not-connected. */
  async failWhileDisconnected(env: BehaviourEnv) {
    return withClient(env, env.dial.connect(options({ whileDisconnected: 'fail' })), async (client) => {
      await env.server.stop();
      await until(() => client.state === 'reconnecting', 'reconnecting');
      const send = thrown(() => client.send(BehaviourType.NOTE, { seq: 0 }));
      const request = await rejection(client.request(BehaviourType.GET, { key: 'x' }));
      return { send, request, queued: client.queued };
    });
  },

  /** A request in flight when the connection drops fails with connection-lost and is not resent. */
  async connectionLost(env: BehaviourEnv) {
    return withClient(env, env.dial.connect(options()), async (client) => {
      const before = (await env.server.stats()).holds;
      // Observed from the start: it rejects while the server stops.
      const inFlight = rejection(client.request(BehaviourType.HOLD, { ms: 60_000 }, { timeout: 0 }));
      for (let polls = 0; polls < 200 && (await env.server.stats()).holds === before; polls++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await env.server.stop();
      const error = await inFlight;
      await env.server.start();
      await client.connected();
      await client.request(BehaviourType.GET, { key: 'sync' });
      return { error, holds: (await env.server.stats()).holds - before };
    });
  },

  /**
   * One messages() loop spans a reconnect; aborting its signal rejects the pending next() with
   * the signal's reason, as a session's own iterator does.
   */
  async iteratorAcrossReconnectAndAbort(env: BehaviourEnv) {
    return withClient(env, env.dial.connect(options()), async (client) => {
      const controller = new AbortController();
      const iterator = client.messages(BehaviourType.PUSH, { signal: controller.signal });
      client.subscribe(BehaviourType.SUBSCRIBE, { topic: 'loop' });
      const seen: number[] = [];
      const loop = (async () => {
        for await (const push of iterator) seen.push(push.seq);
      })();
      const outcome = loop.then(
        () => 'ended' as const,
        (error: unknown) => summary(error),
      );
      await until(() => client.state === 'open', 'open');
      for (let tries = 0; tries < 200 && (await env.server.push('loop', 1)) === 0; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await until(() => seen.length === 1, 'the first push in the loop');
      await env.server.stop();
      await env.server.start();
      for (let tries = 0; tries < 200 && (await env.server.push('loop', 2)) === 0; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await until(() => seen.length === 2, 'a push after the reconnect in the same loop');
      controller.abort(new Error('stop reading'));
      const ended = await outcome;
      const late = await rejection(iterator.next());
      return { seen, ended, late };
    });
  },

  /** close() is final: queued calls fail with closed, iterators end, drained() resolves. */
  async closeWhileReconnecting(env: BehaviourEnv) {
    return withClient(env, env.dial.connect(options()), async (client) => {
      const next = client.messages(BehaviourType.PUSH).next();
      const closes: (ErrorSummary | undefined)[] = [];
      client.onClose((error) => closes.push(error === undefined ? undefined : summary(error)));
      await env.server.stop();
      await until(() => client.state === 'reconnecting', 'reconnecting');
      const queued = client.request(BehaviourType.GET, { key: 'x' });
      await client.close();
      return {
        state: client.state,
        next: await next,
        queued: await rejection(queued),
        drained: await rejection(client.drained()),
        connected: await rejection(client.connected()),
        send: thrown(() => client.send(BehaviourType.NOTE, { seq: 0 })),
        closes,
      };
    });
  },

  /** connect() fails fast when nothing listens; createClient() keeps trying and sends what waited. */
  async firstConnection(env: BehaviourEnv) {
    await env.server.stop();
    const failed = await rejection(env.dial.connect(options()));
    const client = env.dial.create(options());
    return withClient(env, client, async () => {
      const changes = recordChanges(client);
      const queued = client.request(BehaviourType.GET, { key: 'early' });
      await until(() => changes.length >= 2, 'a few attempts');
      const whileDown = client.state;
      await env.server.start();
      await client.ready;
      const reply = await queued;
      return {
        failed,
        whileDown,
        states: [...new Set(changes.map((change) => change.state))],
        replyOk: reply.value === expectedValue('early'),
      };
    });
  },

  /** Reconnecting gives up after maxAttempts: closed, with the last error, everywhere. */
  async givesUp(env: BehaviourEnv) {
    await env.server.stop();
    const client = env.dial.create(options({ reconnect: { initialDelay: 5, maxDelay: 10, maxAttempts: 2 } }));
    return withClient(env, client, async () => {
      const changes = recordChanges(client);
      const closes: (ErrorSummary | undefined)[] = [];
      client.onClose((error) => closes.push(error === undefined ? undefined : summary(error)));
      const queued = client.request(BehaviourType.GET, { key: 'never' });
      const ready = await rejection(client.ready);
      return {
        ready,
        state: client.state,
        attempts: changes.filter((change) => change.state === 'connecting').length,
        queued: await rejection(queued),
        closes,
      };
    });
  },

  /** reconnect: false closes the client when the connection drops. */
  async noReconnect(env: BehaviourEnv) {
    return withClient(env, env.dial.connect(options({ reconnect: false })), async (client) => {
      const changes = recordChanges(client);
      await env.server.stop();
      await until(() => client.state === 'closed', 'closed');
      return {
        changes: describeChanges(changes),
        send: thrown(() => client.send(BehaviourType.NOTE, { seq: 0 })),
      };
    });
  },

  /** A refused token is permanent: connect() rejects, createClient() closes without retrying. */
  async permanentRefusal(env: BehaviourEnv) {
    const refused = await rejection(env.dial.connect(options({ token: 'wrong-token' })));
    const client = env.dial.create(options({ token: 'wrong-token' }));
    return withClient(env, client, async () => {
      const changes = recordChanges(client);
      const ready = await rejection(client.ready);
      return { refused, ready, states: changes.map((change) => change.state), state: client.state };
    });
  },
};

/** The names of the shared scenarios. */
export type BehaviourScenario = keyof typeof behaviourScenarios;

/** What a scenario resolves with. */
export type BehaviourResult<K extends BehaviourScenario> = Awaited<
  ReturnType<(typeof behaviourScenarios)[K]>
>;
