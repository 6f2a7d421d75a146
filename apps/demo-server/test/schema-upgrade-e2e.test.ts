/**
 * The demo's schema upgrade end to end: a client built with version 1 of the demo's schema
 * (test/fixtures) against the version 2 demo server, over real TCP and WebSocket on 127.0.0.1.
 * The handshake (protocol version 2, `schemaPolicy: 'compatible'`) resolves SENSOR_DATA; the old
 * client subscribes (a request and its reply), reads the server's pushes in its own shape and
 * publishes readings (one-way) that version 2 clients see with `battery: 100`.
 */
import { until } from '@bp/test-kit/async';
import { connect as connectWs } from '@bp/transport-browser';
import { connect } from '@bp/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DemoMessage, type SensorData } from '../src/schema.js';
import { demoProtocolV1 } from './fixtures/demo-protocol-v1.js';
import { closeClients, tcpClient } from './helpers/clients.js';
import {
  type DemoProcess,
  removeDataDirs,
  startDemoProcess,
  stopAllDemoProcesses,
} from './helpers/demo-process.js';

type V1Reading = Omit<SensorData, 'battery'>;

let demo: DemoProcess;
const v1Clients: { close(options?: { deadline?: number }): Promise<void> }[] = [];

beforeAll(async () => {
  demo = await startDemoProcess({ args: ['--sensor-rate', '20'] });
});

afterAll(async () => {
  await Promise.allSettled(v1Clients.splice(0).map((c) => c.close({ deadline: 1000 })));
  await closeClients();
  await stopAllDemoProcesses();
  removeDataDirs();
});

async function v1Tcp() {
  const client = await connect({
    host: '127.0.0.1',
    port: demo.tcpPort,
    protocol: demoProtocolV1,
    token: demo.token,
    reconnect: false,
  });
  v1Clients.push(client);
  return client;
}

async function v1Ws() {
  const client = await connectWs(`ws://127.0.0.1:${demo.httpPort}/bp`, {
    protocol: demoProtocolV1,
    token: demo.token,
    WebSocket: WebSocket as never,
    reconnect: false,
  });
  v1Clients.push(client);
  return client;
}

const v1Reading = (source: string, sensor1: number): V1Reading => ({
  sensor1,
  sensor2: 2,
  sensor3: 3,
  sensor4: 4,
  source,
  timestamp: Date.now(),
});

describe('a version 1 client of the version 2 demo server', () => {
  for (const [name, open] of [
    ['TCP', v1Tcp],
    ['WebSocket', v1Ws],
  ] as const) {
    it(`over ${name}: subscribes, reads pushed readings in its own shape, and publishes`, async () => {
      const old = await open();
      const current = await tcpClient(demo);
      const seenByOld: V1Reading[] = [];
      const seenByNew: SensorData[] = [];
      old.on(DemoMessage.SENSOR_DATA, (r: V1Reading) => seenByOld.push(r));
      current.on(DemoMessage.SENSOR_DATA, (r) => seenByNew.push(r));
      // A request and its reply (types both versions share), then pushes of the changed type.
      const { source } = await old.request(DemoMessage.SENSOR_SUBSCRIBE, { status: false });
      await current.request(DemoMessage.SENSOR_SUBSCRIBE, { status: false });
      await until(() => seenByOld.filter((r) => r.source === source).length >= 2, 'simulated readings');
      for (const r of seenByOld) expect(Object.keys(r).sort()).toEqual(Object.keys(v1Reading('', 0)).sort());

      // One-way messages both ways between versions, through the server.
      const tag = `v1-${name}`;
      old.send(DemoMessage.SENSOR_DATA, v1Reading(tag, 11));
      current.send(DemoMessage.SENSOR_DATA, { ...v1Reading(`v2-${name}`, 22), battery: 42 });
      await until(
        () => seenByNew.some((r) => r.source === tag) && seenByOld.some((r) => r.source === `v2-${name}`),
        'the readings each version published',
      );
      // The version 1 reading reaches version 2 with the default; version 1 never sees battery.
      expect(seenByNew.find((r) => r.source === tag)).toMatchObject({ sensor1: 11, battery: 100 });
      expect(seenByOld.find((r) => r.source === `v2-${name}`)).toEqual({
        ...v1Reading(`v2-${name}`, 22),
        timestamp: expect.any(Number),
      });
      // Shared types are untouched by the resolution.
      expect(await old.request(DemoMessage.ECHO, { message: 'still v1' })).toEqual({ message: 'still v1' });
    });
  }
});
