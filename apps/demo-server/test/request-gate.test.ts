import { describe, expect, it } from 'vitest';
import type { Peer } from '../src/server/peer.js';
import { RequestGate } from '../src/server/request-gate.js';

/** A peer whose outgoing queue drains when the test says so. */
function peer(): Peer & { congested: boolean; drain(): void } {
  let waiters: Array<() => void> = [];
  const self = {
    congested: false,
    send: () => true,
    onClose: () => () => {},
    drained: () =>
      self.congested ? new Promise<void>((resolve) => waiters.push(resolve)) : Promise.resolve(),
    drain() {
      self.congested = false;
      for (const resolve of waiters) resolve();
      waiters = [];
    },
  };
  return self;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('RequestGate', () => {
  it('runs at most `slots` requests of one peer at once, in order; other peers are not held', async () => {
    const gate = new RequestGate(2);
    const a = peer();
    const b = peer();
    const releases: Array<() => void> = [];
    const started: string[] = [];
    const job = (name: string) => () =>
      new Promise<string>((resolve) => {
        started.push(name);
        releases.push(() => resolve(name));
      });
    const signal = new AbortController().signal;
    const runs = ['a1', 'a2', 'a3', 'a4'].map((name) => gate.run(a, signal, job(name)));
    const other = gate.run(b, signal, job('b1'));
    await tick();
    expect(started).toEqual(['a1', 'a2', 'b1']);
    releases.shift()!();
    await tick();
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3']);
    for (let i = 0; i < 10 && releases.length > 0; i++) {
      releases.shift()!();
      await tick();
    }
    expect(await Promise.all(runs)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(await other).toBe('b1');
  });

  it('starts a request only once the peer has drained, and drops a waiter whose signal fires', async () => {
    const gate = new RequestGate(1);
    const p = peer();
    p.congested = true;
    const started: string[] = [];
    const first = gate.run(p, new AbortController().signal, async () => started.push('first'));
    const cancelled = new AbortController();
    const second = gate.run(p, cancelled.signal, async () => started.push('second'));
    const third = gate.run(p, new AbortController().signal, async () => started.push('third'));
    await tick();
    expect(started).toEqual([]);
    cancelled.abort(new Error('client went away'));
    await expect(second).rejects.toThrow('client went away');
    p.drain();
    await Promise.all([first, third]);
    expect(started).toEqual(['first', 'third']);
  });
});
