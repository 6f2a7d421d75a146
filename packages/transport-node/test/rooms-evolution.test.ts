// Rooms and schema evolution together: a broadcast is encoded once in the server's layout, but a
// member whose connection resolved the type speaks its own older layout (docs/PROTOCOL.md 7.6).
// Such members get the message re-encoded in their layout (once per layout, not per member), and
// members whose protocol lacks the type are skipped and counted, as `send` would refuse it.
import type { Session } from '@bp/session';
import { until } from '@bp/test-kit/async';
import { SensorType as S, sensorV1, sensorV2 } from '@bp/test-kit/evolution';
import { afterEach, expect, test } from 'vitest';
import { connect, createServer } from '../src/index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

test('a broadcast reaches old-schema and new-schema members each in their own layout', async () => {
  const server = createServer<typeof sensorV2>({ protocol: sensorV2 });
  const joined: Session<typeof sensorV2>[] = [];
  server.onSession((session) => {
    server.rooms.join(session, 'sensors');
    joined.push(session);
  });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => server.close({ deadline: 200 }));

  const dial = async (protocol: typeof sensorV1 | typeof sensorV2) => {
    const client = await connect<any>({ host: '127.0.0.1', port, protocol, reconnect: false });
    cleanups.push(() => client.close({ deadline: 200 }));
    const readings: unknown[] = [];
    const alerts: unknown[] = [];
    client.on(S.READING, (r: unknown) => readings.push(r));
    if (protocol === sensorV2) client.on(S.ALERT, (a: unknown) => alerts.push(a));
    return { client, readings, alerts };
  };
  const fresh = await dial(sensorV2);
  const old = [await dial(sensorV1), await dial(sensorV1)];
  await until(() => joined.length === 3 && joined.every((s) => s.state === 'open'), 'three open members');

  const reading = server.rooms.broadcast(
    S.READING,
    { id: 1, temperature: 20, battery: 50 },
    { to: 'sensors' },
  );
  expect(reading).toMatchObject({ sent: 3, absent: 0, tooLarge: 0 });
  // ALERT is new in v2: the old members' protocol lacks it.
  const alert = server.rooms.broadcast(S.ALERT, { level: 3 });
  expect(alert).toMatchObject({ sent: 1, absent: 2 });

  await until(
    () =>
      fresh.readings.length === 1 && fresh.alerts.length === 1 && old.every((o) => o.readings.length === 1),
    'every member got the reading',
  );
  expect(fresh.readings).toEqual([{ id: 1, temperature: 20, battery: 50 }]);
  expect(fresh.alerts).toEqual([{ level: 3 }]);
  for (const member of old) expect(member.readings).toEqual([{ id: 1, temperature: 20 }]);
  // Nothing else arrived, and every connection is still open (a wrong layout would have failed
  // the old clients' decode and closed them).
  expect(joined.every((s) => s.state === 'open')).toBe(true);
});
