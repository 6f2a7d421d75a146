// The vitest half of the shared client behaviour suite: one `describe` per platform, the same
// expectations for each. `run` executes a scenario where the client lives (in this process, or
// in a Chromium page).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BehaviourResult, BehaviourScenario } from './scenarios.js';

/** How one platform runs the scenarios. */
export interface BehaviourRunner {
  run<K extends BehaviourScenario>(name: K): Promise<BehaviourResult<K>>;
  close(): Promise<void>;
}

const connectFailed = { name: 'ClientError', code: 'connect-failed' };
const closed = { name: 'ClientError', code: 'closed' };

/**
 * Registers the shared suite under `label`; `setup` starts the platform's server and returns how
 * to run a scenario against it.
 */
export function clientBehaviourSuite(label: string, setup: () => Promise<BehaviourRunner>): void {
  describe(`client behaviour: ${label}`, () => {
    let runner: BehaviourRunner;
    beforeAll(async () => {
      runner = await setup();
    });
    afterAll(async () => {
      await runner?.close();
    });

    test('state events: one object per change, with previous, error, attempt and delay', async () => {
      const result = await runner.run('stateEvents');
      expect(result.initial).toBe('open');
      expect(result.final).toBe('closed');
      expect(result.reconnects).toBe(1);
      const [lost, ...rest] = result.changes;
      // The server shut down gracefully (GOODBYE): the change says so by carrying no error.
      expect(lost).toEqual({
        state: 'reconnecting',
        previous: 'open',
        error: undefined,
        attempt: 1,
        delay: 'number',
      });
      const retries = rest.slice(0, -2);
      expect(retries.length).toBeGreaterThan(0);
      retries.forEach((change, index) => {
        expect(change).toMatchObject({ state: 'reconnecting', previous: 'reconnecting', delay: 'number' });
        expect(change.attempt).toBe(index + 2);
        expect(change.error).toBe('connect-failed');
      });
      expect(rest.slice(-2)).toEqual([
        { state: 'open', previous: 'reconnecting', error: undefined, attempt: 0, delay: undefined },
        { state: 'closed', previous: 'open', error: undefined, attempt: 0, delay: undefined },
      ]);
    });

    test('reconnect: listeners and subscriptions carry over a server restart', async () => {
      const result = await runner.run('reconnectResubscribe');
      expect(result.replies).toHaveLength(2);
      expect(result.replies[1]).toBe(result.replies[0]! + 1);
      expect(result.pushes).toEqual([
        { seq: 1, generation: result.replies[0] },
        { seq: 2, generation: result.replies[1] },
      ]);
      expect(result.reconnects).toBe(1);
    });

    test('queue (default): calls made while disconnected go out in order after the reconnect', async () => {
      const result = await runner.run('queueWhileDisconnected');
      expect(result.sent).toEqual([false, false, false, false, false]);
      expect(result.queued).toBe(6);
      expect(result.reply.key).toBe('original');
      expect(result.replyOk).toBe(true);
      expect(result.counted).toEqual({ received: 5, checksum: 10, outOfOrder: 0 });
      expect(result.after).toBe(0);
    });

    test('queue: bounded in messages and bytes (queue-full)', async () => {
      const result = await runner.run('queueBounds');
      expect(result.first).toEqual([false, false]);
      const full = { name: 'ClientError', code: 'queue-full' };
      expect(result.third).toMatchObject(full);
      expect(result.request).toMatchObject(full);
      expect(result.large).toMatchObject(full);
      expect(result.queued).toBe(2);
    });

    test('queue: a queued request times out or aborts like a live one', async () => {
      const result = await runner.run('queuedTimeoutAndAbort');
      expect(result.timedOut).toMatchObject({ name: 'SessionError', code: 'timeout' });
      expect(result.aborted).toMatchObject({ name: 'SessionError', code: 'aborted' });
      expect(result.queued).toBe(0);
    });

    test("fail: whileDisconnected 'fail' fails at once with not-connected", async () => {
      const result = await runner.run('failWhileDisconnected');
      const notConnected = { name: 'ClientError', code: 'not-connected' };
      expect(result.send).toMatchObject(notConnected);
      expect(result.request).toMatchObject(notConnected);
      expect(result.queued).toBe(0);
    });

    test('a request in flight when the connection drops fails with connection-lost and is not resent', async () => {
      const result = await runner.run('connectionLost');
      expect(result.error).toMatchObject({ name: 'ClientError', code: 'connection-lost' });
      expect(result.holds).toBe(1);
    });

    test('abort: one messages() loop spans a reconnect; abort rejects with signal.reason', async () => {
      const result = await runner.run('iteratorAcrossReconnectAndAbort');
      expect(result.seen).toEqual([1, 2]);
      expect(result.ended).toMatchObject({ message: 'stop reading' });
      expect(result.late).toMatchObject({ message: 'stop reading' });
    });

    test('close() while reconnecting is final: queued calls fail, iterators end', async () => {
      const result = await runner.run('closeWhileReconnecting');
      expect(result.state).toBe('closed');
      expect(result.next).toEqual({ done: true });
      expect(result.queued).toMatchObject(closed);
      expect(result.drained).toBe('resolved');
      expect(result.connected).toMatchObject(closed);
      expect(result.send).toMatchObject(closed);
      expect(result.closes).toEqual([undefined]);
    });

    test('first connection: connect() fails fast, createClient() retries and sends what waited', async () => {
      const result = await runner.run('firstConnection');
      expect(result.failed).toMatchObject(connectFailed);
      expect(result.whileDown).toBe('connecting');
      expect(result.states).toEqual(['connecting', 'open']);
      expect(result.replyOk).toBe(true);
    });

    test('gives up after maxAttempts retries: closed with the last error', async () => {
      const result = await runner.run('givesUp');
      expect(result.ready).toMatchObject(connectFailed);
      expect(result.state).toBe('closed');
      expect(result.attempts).toBe(2);
      expect(result.queued).toMatchObject(closed);
      expect(result.closes).toEqual([expect.objectContaining(connectFailed)]);
    });

    test('reconnect: false closes the client when the connection drops', async () => {
      const result = await runner.run('noReconnect');
      expect(result.changes.map((change) => [change.previous, change.state])).toEqual([['open', 'closed']]);
      expect(result.send).toMatchObject(closed);
    });

    test('a refused token is permanent: no retry', async () => {
      const result = await runner.run('permanentRefusal');
      const unauthorized = { name: 'SessionError', code: 'unauthorized' };
      expect(result.refused).toMatchObject(unauthorized);
      expect(result.ready).toMatchObject(unauthorized);
      expect(result.states).toEqual(['closed']);
      expect(result.state).toBe('closed');
    });
  });
}
