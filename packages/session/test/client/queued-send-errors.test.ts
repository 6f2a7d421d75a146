// A one-way message queued while disconnected that the connection, once open, cannot carry: the
// caller of `send` is gone, so the client reports it through `onSendError` instead of dropping it
// without a trace.
import { SensorType as S, sensorV1, sensorV2 } from '@bp/test-kit/evolution';
import { TOKEN } from '@bp/test-kit/protocols';
import { expect, test } from 'vitest';
import {
  createMemoryTransportPair,
  createServerSession,
  type Dialer,
  ReconnectingClient,
  type Session,
} from '../../src/index.js';

test('a queued send of a type the server lacks reaches onSendError with the type; the others go out', async () => {
  const readings: unknown[] = [];
  const sessions: Session<any>[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const dialer: Dialer = {
    target: 'memory',
    async dial() {
      await gate;
      const [client, server] = createMemoryTransportPair();
      const session = createServerSession({
        protocol: sensorV2,
        transport: server,
        auth: { token: TOKEN },
        handlers: { [S.READING]: (r: unknown) => void readings.push(r) } as never,
      });
      sessions.push(session);
      server.attach(session);
      return { transport: client };
    },
  };
  const failures: { code: unknown; messageType: unknown; type: number }[] = [];
  const client = new ReconnectingClient(
    dialer,
    {
      protocol: sensorV1 as any,
      token: TOKEN,
      reconnect: false,
      onSendError: (error, { type }) =>
        failures.push({ code: (error as any).code, messageType: (error as any).messageType, type }),
    },
    'retry',
  ) as any;
  try {
    expect(client.send(S.LEGACY, { text: 'never sent' })).toBe(false);
    expect(client.send(S.READING, { id: 1, temperature: 20 })).toBe(false);
    expect(client.queued).toBe(2);
    open();
    await client.ready;
    for (let i = 0; i < 100 && readings.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(failures).toEqual([{ code: 'peer-lacks-type', messageType: S.LEGACY, type: S.LEGACY }]);
    expect(readings).toEqual([{ id: 1, temperature: 20, battery: 100 }]);
  } finally {
    await client.close();
    await Promise.all(sessions.map((s) => s.close({ deadline: 100 })));
  }
});
