import { expect, test } from 'vitest';
import { SessionMessages } from '../../src/client/session-messages.js';

const owner = () => {
  const closed: unknown[] = [];
  return { closed, messagesClosed: (iterator: unknown) => closed.push(iterator) };
};

async function* values<T>(...items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function* failing(error: Error, ...items: number[]): AsyncGenerator<number> {
  for (const item of items) yield item;
  throw error;
}

test('reads the sources in turn: what an old connection delivered comes before the next one', async () => {
  const iterator = new SessionMessages<number>(owner(), 1);
  iterator.addSource(values(1, 2));
  iterator.addSource(values(3));
  const got = [await iterator.next(), await iterator.next(), await iterator.next()].map((r) => r.value);
  expect(got).toEqual([1, 2, 3]);
  iterator.finish();
  expect(await iterator.next()).toEqual({ value: undefined, done: true });
});

test('overlapping next() calls get the values in order, none twice', async () => {
  const iterator = new SessionMessages<number>(owner(), 1);
  const pending = [iterator.next(), iterator.next(), iterator.next()];
  iterator.addSource(values(1, 2));
  iterator.addSource(values(3));
  expect((await Promise.all(pending)).map((r) => r.value)).toEqual([1, 2, 3]);
});

test('a connection that ended with an error hands over to the next; a close with an error rejects after the buffered values', async () => {
  const iterator = new SessionMessages<number>(owner(), 1);
  iterator.addSource(failing(new Error('connection lost'), 1));
  iterator.addSource(values(2));
  expect((await iterator.next()).value).toBe(1);
  expect((await iterator.next()).value).toBe(2);
  const closedWith = new Error('gave up');
  iterator.finish(closedWith);
  await expect(iterator.next()).rejects.toBe(closedWith);
  // Reported once; then the iteration is over.
  expect(await iterator.next()).toEqual({ value: undefined, done: true });
});

test('abort rejects a waiting next() and every later one with signal.reason, and releases the iterator', async () => {
  const host = owner();
  const controller = new AbortController();
  const iterator = new SessionMessages<number>(host, 1, controller.signal);
  const waiting = iterator.next();
  const reason = new Error('stop');
  controller.abort(reason);
  await expect(waiting).rejects.toBe(reason);
  await expect(iterator.next()).rejects.toBe(reason);
  expect(host.closed).toEqual([iterator]);
  expect(iterator.ended).toBe(true);
});

test('return() ends the loop and drops later sources', async () => {
  const iterator = new SessionMessages<number>(owner(), 1);
  const source = values(1);
  await iterator.return();
  iterator.addSource(source);
  expect(await iterator.next()).toEqual({ value: undefined, done: true });
  // The dropped source was closed, not left waiting.
  expect((await source.next()).done).toBe(true);
});
