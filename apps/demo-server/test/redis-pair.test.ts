import { until } from '@bp/test-kit/async';
import { type RedisServer, startRedisServer } from '@bp/test-kit/redis-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoMessage, type SensorData } from '../src/schema.js';
import { closeClients, tcpClient, wsClient } from './helpers/clients.js';
import {
  type DemoProcess,
  removeDataDirs,
  startDemoProcess,
  stopAllDemoProcesses,
} from './helpers/demo-process.js';

let redis: RedisServer;
let a: DemoProcess;
let b: DemoProcess;

beforeAll(async () => {
  redis = await startRedisServer();
  [a, b] = await Promise.all([
    startDemoProcess({ args: ['--redis', redis.url, '--sensor-rate', '5'] }),
    startDemoProcess({ args: ['--redis', redis.url, '--sensor-rate', '5'] }),
  ]);
});

afterAll(async () => {
  await closeClients();
  await stopAllDemoProcesses();
  await redis?.stop();
  removeDataDirs();
});

describe('two demo servers sharing one redis-server', () => {
  it('reads through one what was set through the other', async () => {
    const onA = await tcpClient(a);
    const onB = await wsClient(b);
    expect(await onA.request(DemoMessage.KV_SET, { key: 'shared:x', value: 'from A' })).toEqual({
      created: true,
    });
    expect(await onB.request(DemoMessage.KV_GET, { key: 'shared:x' })).toEqual({ value: 'from A' });
    expect(await onB.request(DemoMessage.KV_SET, { key: 'shared:y', value: 'from B' })).toEqual({
      created: true,
    });
    expect(await onA.request(DemoMessage.KV_LIST, { prefix: 'shared:', limit: 10 })).toEqual({
      entries: [
        { key: 'shared:x', value: 'from A' },
        { key: 'shared:y', value: 'from B' },
      ],
      more: false,
    });
    const health = await (await fetch(`http://127.0.0.1:${b.httpPort}/healthz`)).json();
    expect(health).toMatchObject({ store: 'redis', fanOut: 'redis' });
  });

  it('pushes a change made through one server to a watcher on the other', async () => {
    const watcher = await tcpClient(b);
    const writer = await tcpClient(a);
    const changes: unknown[] = [];
    watcher.on(DemoMessage.KV_CHANGED, (change) => changes.push(change));
    await watcher.request(DemoMessage.KV_WATCH, { key: 'pair:', prefix: true });
    await writer.request(DemoMessage.KV_SET, { key: 'pair:1', value: 'one' });
    await writer.request(DemoMessage.KV_DEL, { key: 'pair:1' });
    await until(() => changes.length === 2, 'two changes on B');
    expect(changes).toEqual([
      { key: 'pair:1', value: 'one' },
      { key: 'pair:1', value: undefined },
    ]);
  });

  it('delivers a reading published to one server to a subscriber of the other, and both simulators', async () => {
    const subscriber = await tcpClient(b);
    const publisher = await tcpClient(a);
    const seen: SensorData[] = [];
    subscriber.on(DemoMessage.SENSOR_DATA, (r) => seen.push(r));
    await subscriber.request(DemoMessage.SENSOR_SUBSCRIBE, { status: false });
    publisher.send(DemoMessage.SENSOR_DATA, {
      sensor1: 9.5,
      sensor2: 8,
      sensor3: 7,
      sensor4: 6,
      source: 'published-to-a',
      timestamp: Date.now(),
      battery: 55,
    });
    await until(() => seen.some((r) => r.source === 'published-to-a'), 'the reading on B');
    await until(
      () => new Set(seen.filter((r) => r.source.startsWith('sim-')).map((r) => r.source)).size === 2,
      'both simulators',
    );
    expect(seen.find((r) => r.source === 'published-to-a')).toMatchObject({
      sensor1: 9.5,
      sensor4: 6,
      battery: 55,
    });
  });
});
