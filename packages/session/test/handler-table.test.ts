import { describe, expect, test } from 'vitest';
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
    for (let i = 0; i < 2; i++)
      expect(() => connect({ protocol: testProtocol, server: { handlers } })).toThrow(
        'handler for unknown message type 999',
      );
    await Promise.all([first, second, third].map((pair) => pair.client.close()));
  });
});
