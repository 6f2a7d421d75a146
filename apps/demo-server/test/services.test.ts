import { createRedisAdapter, type RedisAdapter } from '@bp/redis-adapter';
import {
  createClientSession,
  createMemoryTransportPair,
  createServerSession,
  type Session,
} from '@bp/session';
import { until } from '@bp/test-kit/async';
import { type RedisServer, startRedisServer } from '@bp/test-kit/redis-server';
import { createServer } from '@bp/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DemoMessage,
  type DemoProtocol,
  demoProtocol,
  MAX_KEY_BYTES,
  type SensorData,
} from '../src/schema.js';
import { DemoError } from '../src/server/demo-error.js';
import { KvService, MAX_WATCHES_PER_PEER } from '../src/server/kv-service.js';
import { SensorService } from '../src/server/sensor-service.js';
import { MemoryKvStore } from '../src/store/memory-kv-store.js';
import { RedisConnection } from '../src/store/redis-connection.js';
import { RecordingPeer } from './helpers/fake-peer.js';

describe('KvService', () => {
  it('validates keys, values and limits with DemoErrors', async () => {
    const kv = new KvService(new MemoryKvStore());
    await expect(kv.set('', 'x')).rejects.toMatchObject({ reason: 'invalid-key', wireCode: 1001 });
    await expect(kv.get('k'.repeat(MAX_KEY_BYTES + 1))).rejects.toBeInstanceOf(DemoError);
    await expect(kv.set('k', 'v'.repeat(70_000))).rejects.toMatchObject({ reason: 'invalid-value' });
    await expect(kv.list('', 0)).rejects.toMatchObject({ reason: 'invalid-limit' });
    await expect(kv.list('', 1001)).rejects.toMatchObject({ reason: 'invalid-limit' });
    expect(await kv.set('k', 'v')).toEqual({ created: true });
    expect(await kv.list('', 1)).toEqual({ entries: [{ key: 'k', value: 'v' }], more: false });
  });

  it('pushes KV_CHANGED to watchers of the key or a prefix, and stops when they close', async () => {
    const kv = new KvService(new MemoryKvStore());
    const a = new RecordingPeer();
    const b = new RecordingPeer();
    await kv.set('room:1', 'old');
    expect(await kv.watch(a, 'room:1', false)).toEqual({ value: 'old', watches: 1 });
    expect(await kv.watch(b, 'room:', true)).toEqual({ value: undefined, watches: 1 });
    await kv.set('room:1', 'new');
    await kv.set('room:2', 'x');
    await kv.delete('room:1');
    await kv.set('other', 'y');
    await until(() => b.sent.length === 3, 'three pushes to b');
    expect(a.of(DemoMessage.KV_CHANGED)).toEqual([
      { key: 'room:1', value: 'new' },
      { key: 'room:1', value: undefined },
    ]);
    expect(b.of(DemoMessage.KV_CHANGED)).toEqual([
      { key: 'room:1', value: 'new' },
      { key: 'room:2', value: 'x' },
      { key: 'room:1', value: undefined },
    ]);
    a.close();
    expect(kv.watchingPeers).toBe(1);
    expect(a.closeListenerCount).toBe(0);
    expect(kv.unwatch(b, 'room:', true)).toEqual({ watches: 0 });
    expect(kv.watchingPeers).toBe(0);
    await kv.set('room:1', 'later');
    await new Promise((r) => setTimeout(r, 20));
    expect(a.sent).toHaveLength(2);
    expect(b.sent).toHaveLength(3);
  });

  it('bounds the watches of one connection', async () => {
    const kv = new KvService(new MemoryKvStore());
    const peer = new RecordingPeer();
    for (let i = 0; i < MAX_WATCHES_PER_PEER; i++) await kv.watch(peer, `k${i}`, false);
    await expect(kv.watch(peer, 'one-more', false)).rejects.toMatchObject({ reason: 'too-many-watches' });
    // Watching a key already watched is not a new watch.
    expect((await kv.watch(peer, 'k0', false)).watches).toBe(MAX_WATCHES_PER_PEER);
  });

  it('drops pushes to a congested connection until it drains', async () => {
    const kv = new KvService(new MemoryKvStore());
    const peer = new RecordingPeer();
    await kv.watch(peer, 'k', false);
    peer.accepting = false;
    await kv.set('k', '1'); // handed over, but the peer reports backpressure
    await kv.set('k', '2'); // dropped
    await until(() => peer.sent.length === 1, 'first push');
    await new Promise((r) => setTimeout(r, 20));
    expect(peer.sent).toHaveLength(1);
    peer.drain();
    await new Promise((r) => setTimeout(r, 0));
    await kv.set('k', '3');
    await until(() => peer.sent.length === 2, 'push after drain');
    expect(peer.of(DemoMessage.KV_CHANGED)).toEqual([
      { key: 'k', value: '1' },
      { key: 'k', value: '3' },
    ]);
  });
});

const reading = (source: string, s1: number): SensorData => ({
  sensor1: s1,
  sensor2: 2,
  sensor3: 3,
  sensor4: 4,
  source,
  timestamp: 1_700_000_000_000,
  battery: 80,
});

/** A real server session over an in-memory transport, and what its client receives. */
async function subscriberSession(): Promise<{
  session: Session<DemoProtocol>;
  received: Array<{ type: number; value: unknown }>;
  of(type: number): unknown[];
  close(): Promise<void>;
}> {
  const [serverEnd, clientEnd] = createMemoryTransportPair();
  const session = createServerSession({ protocol: demoProtocol, transport: serverEnd });
  serverEnd.attach(session);
  const client = createClientSession({ protocol: demoProtocol, transport: clientEnd });
  clientEnd.attach(client);
  const received: Array<{ type: number; value: unknown }> = [];
  client.on(DemoMessage.SENSOR_DATA, (value) => received.push({ type: DemoMessage.SENSOR_DATA, value }));
  client.on(DemoMessage.STATUS, (value) => received.push({ type: DemoMessage.STATUS, value }));
  await Promise.all([session.ready, client.ready]);
  return {
    session,
    received,
    of: (type) => received.filter((r) => r.type === type).map((r) => r.value),
    close: () => client.close({ deadline: 100 }),
  };
}

const roomsOf = () => createServer({ protocol: demoProtocol }).rooms;

describe('SensorService', () => {
  it('broadcasts readings and STATUS to subscribers, STATUS only to those who asked', async () => {
    const rooms = roomsOf();
    const sensors = new SensorService({ rooms, simulatorSource: 'sim-test', rate: 0 });
    const withStatus = await subscriberSession();
    const plain = await subscriberSession();
    expect(sensors.subscribe(withStatus.session, true)).toEqual({ source: 'sim-test', rate: 0 });
    sensors.subscribe(plain.session, false);
    sensors.publishFromClient(reading('', 1.5), 'client-7');
    sensors.status(200, 'hello');
    await until(() => withStatus.received.length === 2 && plain.received.length === 1, 'pushes');
    const [pushed] = plain.of(DemoMessage.SENSOR_DATA) as SensorData[];
    expect(pushed).toMatchObject({ sensor1: 1.5, source: 'client-7', timestamp: 1_700_000_000_000 });
    expect(withStatus.of(DemoMessage.STATUS)).toEqual([{ statusCode: 200, message: 'hello' }]);
    expect(plain.of(DemoMessage.STATUS)).toEqual([]);
    await plain.close();
    await until(() => sensors.subscriberCount === 1, 'the closed one left');
    // Subscribing again without status leaves the STATUS room.
    sensors.subscribe(withStatus.session, false);
    expect(rooms.members('status').size).toBe(0);
    sensors.close();
    expect(sensors.subscriberCount).toBe(0);
    await withStatus.close();
  });

  it('refuses readings that are not finite numbers', () => {
    const sensors = new SensorService({ rooms: roomsOf(), simulatorSource: 's', rate: 0 });
    expect(() => sensors.publishFromClient({ ...reading('x', Number.NaN) }, 'c')).toThrow(DemoError);
    expect(() => sensors.publishFromClient({ ...reading('x'.repeat(65), 1) }, 'c')).toThrow(DemoError);
  });

  it('runs the simulator at its rate', async () => {
    const sensors = new SensorService({ rooms: roomsOf(), simulatorSource: 'sim-fast', rate: 100 });
    const peer = await subscriberSession();
    sensors.subscribe(peer.session, false);
    sensors.start();
    await until(() => peer.received.length >= 3, 'three simulated readings');
    sensors.close();
    const values = peer.of(DemoMessage.SENSOR_DATA) as SensorData[];
    for (const r of values) {
      expect(r.source).toBe('sim-fast');
      expect(r.sensor1).toBeGreaterThan(15);
      expect(r.sensor4).toBeGreaterThanOrEqual(0);
      expect(r.sensor4).toBeLessThanOrEqual(1);
    }
    await peer.close();
  });
});

describe('SensorService over Redis', () => {
  let redis: RedisServer;
  const connections: RedisConnection[] = [];
  const adapters: RedisAdapter<DemoProtocol>[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const adapter of adapters) await adapter.close();
    for (const c of connections) await c.close();
    await redis?.stop();
  });

  it('delivers a reading published on one server to a subscriber on another', async () => {
    const open = async () => {
      const c = await RedisConnection.connect(redis.url, () => {});
      connections.push(c);
      const rooms = roomsOf();
      adapters.push(await createRedisAdapter(rooms, { client: c.commands }));
      return rooms;
    };
    const a = new SensorService({ rooms: await open(), simulatorSource: 'sim-a', rate: 0 });
    const b = new SensorService({ rooms: await open(), simulatorSource: 'sim-b', rate: 0 });
    const onB = await subscriberSession();
    b.subscribe(onB.session, false);
    a.publishFromClient(reading('via-a', 42), 'c');
    await until(() => onB.received.length === 1, 'reading on b');
    expect(onB.of(DemoMessage.SENSOR_DATA)).toEqual([
      expect.objectContaining({ sensor1: 42, source: 'via-a' }),
    ]);
    a.close();
    b.close();
    await onB.close();
  });
});
