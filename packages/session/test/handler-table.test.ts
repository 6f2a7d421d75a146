import { describe, expect, test } from 'vitest';
import { isUsageError } from '../src/index.js';
import { connect, T, testProtocol } from './fixtures.js';

describe('the handlers option', () => {
  test('sessions made with one handlers object each answer with it, and see it as it is when made', async () => {
    const handlers: Record<number, (value: any) => unknown> = {
      [T.ECHO]: ({ text }: { text: string }) => ({ text: `v1 ${text}` }),
    };
    const first = connect({ protocol: testProtocol, server: { handlers } });
    const second = connect({ protocol: testProtocol, server: { handlers } });
    expect(await first.client.request(T.ECHO, { text: 'a', delay: 0 })).toEqual({ text: 'v1 a' });
    expect(await second.client.request(T.ECHO, { text: 'b', delay: 0 })).toEqual({ text: 'v1 b' });

    // Changed after: sessions made since use the new handler, the earlier ones keep theirs.
    handlers[T.ECHO] = ({ text }: { text: string }) => ({ text: `v2 ${text}` });
    const third = connect({ protocol: testProtocol, server: { handlers } });
    expect(await third.client.request(T.ECHO, { text: 'c', delay: 0 })).toEqual({ text: 'v2 c' });
    expect(await first.client.request(T.ECHO, { text: 'd', delay: 0 })).toEqual({ text: 'v1 d' });

    // A handler for a type the protocol lacks is refused for every session, not only the first.
    handlers[999] = () => undefined;
    for (let i = 0; i < 2; i++) {
      const error = caught(() => connect({ protocol: testProtocol, server: { handlers } }));
      expect(isUsageError(error) && error.code).toBe('unknown-type');
      expect((error as Error).message).toContain(
        'handlers[999]: message type 999 is not part of the protocol',
      );
    }
    await Promise.all([first, second, third].map((pair) => pair.client.close()));
  });

  test('on() and messages() of an unknown type throw UsageError unknown-type and subscribe nothing', async () => {
    const { client, server } = connect({ protocol: testProtocol });
    for (const [where, call] of [
      ['on()', () => client.on(999 as never, () => undefined)],
      ['messages()', () => client.messages(999 as never)],
    ] as const) {
      const error = caught(call);
      expect(isUsageError(error) && error.code).toBe('unknown-type');
      expect((error as Error).message).toContain(`${where}: message type 999`);
    }
    // The refused iterator was not left registered: the session still closes cleanly.
    await client.close();
    await server.close();
  });
});

function caught(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
