import { connect as netConnect } from 'node:net';
import { until } from '@bp/test-kit/async';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoErrorCode, DemoMessage, type SensorData } from '../src/schema.js';
import { closeClients, tcpClient, tlsClient, wsClient } from './helpers/clients.js';
import {
  type DemoProcess,
  removeDataDirs,
  runCli,
  startDemoProcess,
  stopAllDemoProcesses,
} from './helpers/demo-process.js';

let demo: DemoProcess;

beforeAll(async () => {
  demo = await startDemoProcess({ args: ['--sensor-rate', '20'] });
});

afterAll(async () => {
  await closeClients();
  await stopAllDemoProcesses();
  removeDataDirs();
});

const reading = (source: string, sensor1: number): SensorData => ({
  sensor1,
  sensor2: 2,
  sensor3: 3,
  sensor4: 4,
  source,
  timestamp: Date.now(),
  battery: 90,
});

describe('the demo server over TCP, TLS and WebSocket', () => {
  it('prints every address and the token at start', () => {
    const banner = demo.stdout();
    expect(banner).toContain(`tcp://127.0.0.1:${demo.tcpPort}`);
    expect(banner).toContain(`tls://127.0.0.1:${demo.tlsPort}`);
    expect(banner).toContain(`ws://127.0.0.1:${demo.httpPort}/bp`);
    expect(banner).toContain(`http://127.0.0.1:${demo.httpPort}/?token=${demo.token}`);
    expect(banner).toContain(demo.token);
  });

  it('answers echo and the KV commands over each transport, sharing one store', async () => {
    const tcp = await tcpClient(demo);
    const tls = await tlsClient(demo);
    const ws = await wsClient(demo);
    expect(await tcp.request(DemoMessage.ECHO, { message: 'over tcp' })).toEqual({ message: 'over tcp' });
    expect(await tls.request(DemoMessage.ECHO, { message: 'over tls' })).toEqual({ message: 'over tls' });
    expect(await ws.request(DemoMessage.ECHO, { message: 'over ws' })).toEqual({ message: 'over ws' });

    expect(await tcp.request(DemoMessage.KV_SET, { key: 'e2e:a', value: 'from tcp' })).toEqual({
      created: true,
    });
    expect(await tls.request(DemoMessage.KV_SET, { key: 'e2e:b', value: 'from tls' })).toEqual({
      created: true,
    });
    expect(await ws.request(DemoMessage.KV_SET, { key: 'e2e:a', value: 'from ws' })).toEqual({
      created: false,
    });
    expect(await tls.request(DemoMessage.KV_GET, { key: 'e2e:a' })).toEqual({ value: 'from ws' });
    expect(await ws.request(DemoMessage.KV_LIST, { prefix: 'e2e:', limit: 10 })).toEqual({
      entries: [
        { key: 'e2e:a', value: 'from ws' },
        { key: 'e2e:b', value: 'from tls' },
      ],
      more: false,
    });
    expect(await tcp.request(DemoMessage.KV_DEL, { key: 'e2e:b' })).toEqual({ deleted: true });
    expect(await ws.request(DemoMessage.KV_GET, { key: 'e2e:b' })).toEqual({ value: undefined });
  });

  it('pushes KV_CHANGED to a watcher on another transport', async () => {
    const watcher = await wsClient(demo);
    const writer = await tcpClient(demo);
    const changes: unknown[] = [];
    watcher.on(DemoMessage.KV_CHANGED, (change) => changes.push(change));
    expect(await watcher.request(DemoMessage.KV_WATCH, { key: 'watched', prefix: false })).toEqual({
      value: undefined,
      watches: 1,
    });
    await writer.request(DemoMessage.KV_SET, { key: 'watched', value: 'v1' });
    await writer.request(DemoMessage.KV_SET, { key: 'unwatched', value: 'x' });
    await writer.request(DemoMessage.KV_DEL, { key: 'watched' });
    await until(() => changes.length === 2, 'two changes');
    expect(changes).toEqual([
      { key: 'watched', value: 'v1' },
      { key: 'watched', value: undefined },
    ]);
  });

  it('fails bad requests with the demo error codes, and the connection stays usable', async () => {
    const client = await tcpClient(demo);
    await expect(client.request(DemoMessage.KV_SET, { key: '', value: 'x' })).rejects.toMatchObject({
      wireCode: DemoErrorCode['invalid-key'],
      message: 'a key must not be empty',
    });
    await expect(client.request(DemoMessage.KV_LIST, { prefix: '', limit: 0 })).rejects.toMatchObject({
      wireCode: DemoErrorCode['invalid-limit'],
    });
    expect(await client.request(DemoMessage.ECHO, { message: 'still here' })).toEqual({
      message: 'still here',
    });
  });

  it('streams simulated sensors, and fans a published reading out to subscribers on other transports', async () => {
    const subscriber = await wsClient(demo);
    const tlsSubscriber = await tlsClient(demo);
    const publisher = await tcpClient(demo);
    const seen: SensorData[] = [];
    const seenTls: SensorData[] = [];
    subscriber.on(DemoMessage.SENSOR_DATA, (r) => seen.push(r));
    tlsSubscriber.on(DemoMessage.SENSOR_DATA, (r) => seenTls.push(r));
    const { source, rate } = await subscriber.request(DemoMessage.SENSOR_SUBSCRIBE, { status: false });
    await tlsSubscriber.request(DemoMessage.SENSOR_SUBSCRIBE, { status: false });
    expect(rate).toBe(20);
    await until(() => seen.filter((r) => r.source === source).length >= 3, 'three simulated readings');
    publisher.send(DemoMessage.SENSOR_DATA, reading('probe-e2e', 123.5));
    publisher.send(DemoMessage.SENSOR_DATA, reading('', 7));
    await until(
      () => seen.some((r) => r.source === 'probe-e2e') && seenTls.some((r) => r.sensor1 === 7),
      'the published readings',
    );
    expect(seen.find((r) => r.source === 'probe-e2e')).toMatchObject({ sensor1: 123.5 });
    // A reading without a source is named after the connection that published it.
    expect(seenTls.find((r) => r.sensor1 === 7)?.source).toMatch(/^tcp-\d+$/);
  });

  it('sends STATUS events to subscribers that asked for them', async () => {
    const subscriber = await tcpClient(demo);
    const statuses: Array<{ statusCode: number; message: string }> = [];
    subscriber.on(DemoMessage.STATUS, (s) => statuses.push(s));
    await subscriber.request(DemoMessage.SENSOR_SUBSCRIBE, { status: true });
    const other = await wsClient(demo);
    await until(() => statuses.some((s) => s.message.includes('connected over ws')), 'a connect STATUS');
    await other.close();
    await until(() => statuses.some((s) => s.statusCode === 410), 'a goodbye STATUS');
  });

  it('serves /healthz openly, /metrics and the dashboard only with the token', async () => {
    const base = `http://127.0.0.1:${demo.httpPort}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: 'lmdb' });

    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token' } })).status,
    ).toBe(401);
    const metrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${demo.token}` } });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    for (const name of [
      'bp_demo_connections{transport="tcp"}',
      'bp_demo_connections_total{transport="ws"}',
      'bp_demo_frames_total{transport="tcp",direction="in"}',
      'bp_demo_bytes_total{transport="ws",direction="out"}',
      'bp_demo_call_duration_seconds_bucket{',
      'bp_demo_calls_total{direction="incoming",kind="request",type="KV_SET"}',
      'bp_demo_errors_total{code="invalid-key"}',
      'process_cpu_seconds_total',
    ]) {
      expect(text).toContain(name);
    }
    const inFrames = Number(/bp_demo_frames_total\{transport="tcp",direction="in"\} (\d+)/.exec(text)?.[1]);
    expect(inFrames).toBeGreaterThan(5);

    expect((await fetch(`${base}/`)).status).toBe(401);
    const page = await fetch(`${base}/?token=${encodeURIComponent(demo.token)}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<meta name="bp-ws-path" content="/bp"');
    expect((await fetch(`${base}/dashboard.js`)).status).toBe(200);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });
});

describe('bad clients do not disturb good ones', () => {
  it('refuses a wrong token on every transport', async () => {
    const good = await tcpClient(demo);
    await expect(tcpClient(demo, 'wrong-token-123456')).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(tlsClient({ ...demo, token: 'wrong-token-123456' })).rejects.toMatchObject({
      code: 'unauthorized',
    });
    await expect(wsClient({ ...demo, token: 'wrong-token-123456' })).rejects.toMatchObject({
      code: 'unauthorized',
    });
    expect(await good.request(DemoMessage.ECHO, { message: 'ok' })).toEqual({ message: 'ok' });
  });

  it('closes a connection that sends garbage', async () => {
    const good = await tcpClient(demo);
    const closed = await new Promise<boolean>((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port: demo.tcpPort }, () => {
        socket.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
        socket.write(Buffer.alloc(1024, 0xab));
      });
      socket.on('error', () => {});
      socket.resume();
      const timer = setTimeout(() => {
        socket.destroy();
        resolve(false);
      }, 5000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    expect(closed).toBe(true);
    expect(await good.request(DemoMessage.KV_SET, { key: 'after-garbage', value: 'fine' })).toEqual({
      created: true,
    });
  });

  it('closes a flooding client (rate limit) while a good client keeps being served', async () => {
    const good = await wsClient(demo);
    const flooder = await tcpClient(demo);
    const flooderClosed = new Promise<Error | undefined>((resolve) => {
      flooder.session?.onClose?.((error?: Error) => resolve(error));
      flooder.onClose?.((error?: Error) => resolve(error));
    });
    // Far above the 5000 messages/s (burst 2 s) limit; bounded in count.
    const flood = reading('flood', 1);
    for (let i = 0; i < 30_000; i++) {
      try {
        flooder.send(DemoMessage.SENSOR_DATA, flood);
      } catch {
        break;
      }
      if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
    }
    const error = await flooderClosed;
    expect(error).toBeDefined();
    // The server closed it for the rate limit (the flooder itself may only see the reset, if the
    // ERROR frame was lost with its unread input).
    await until(
      () => /"code":"rate-limited",[^\n]*"msg":"client disconnected"/.test(demo.stderr()),
      'the server log',
    );
    expect(await good.request(DemoMessage.ECHO, { message: 'unaffected' })).toEqual({
      message: 'unaffected',
    });
  });
});

describe('bp-demo (the CLI)', () => {
  const flags = () => ['--port', String(demo.tcpPort), '--token', demo.token];

  it('sets, gets, lists and deletes with human output', async () => {
    expect(await runCli(['kv', 'set', 'cli:greeting', 'hello world', ...flags()])).toMatchObject({
      status: 0,
      stdout: 'OK created cli:greeting\n',
    });
    expect(await runCli(['kv', 'get', 'cli:greeting', ...flags()])).toMatchObject({
      status: 0,
      stdout: 'hello world\n',
    });
    expect(await runCli(['kv', 'list', 'cli:', ...flags()])).toMatchObject({
      status: 0,
      stdout: 'cli:greeting = hello world\n',
    });
    expect(await runCli(['kv', 'del', 'cli:greeting', ...flags()])).toMatchObject({
      status: 0,
      stdout: 'deleted cli:greeting\n',
    });
    expect(await runCli(['kv', 'get', 'cli:greeting', ...flags()])).toMatchObject({
      status: 1,
      stdout: '(no value for cli:greeting)\n',
    });
  });

  it('prints JSON with --json, over TLS with the development certificate from the data folder', async () => {
    const tls = [
      '--tls',
      '--port',
      String(demo.tlsPort),
      '--data-dir',
      demo.dataDir,
      '--token',
      demo.token,
      '--json',
    ];
    const set = await runCli(['kv', 'set', 'cli:json', '42', ...tls]);
    expect(set.stderr).toBe('');
    expect(set.status).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ key: 'cli:json', created: true });
    const get = await runCli(['kv', 'get', 'cli:json', ...tls]);
    expect(JSON.parse(get.stdout)).toEqual({ key: 'cli:json', value: '42' });
    const missing = await runCli(['kv', 'get', 'cli:nothing', ...tls]);
    expect(missing.status).toBe(1);
    expect(JSON.parse(missing.stdout)).toEqual({ key: 'cli:nothing', value: null });
  });

  it('watches sensors and echoes', async () => {
    const watch = await runCli(['sensors', 'watch', '--count', '3', '--json', ...flags()]);
    expect(watch.status).toBe(0);
    const lines = watch.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.reading.source).toMatch(/^sim-/);
    const echo = await runCli(['echo', 'hi', 'there', ...flags()]);
    expect(echo.status).toBe(0);
    expect(echo.stdout).toMatch(/^hi there {2}\(round trip [\d.]+ ms\)\n$/);
  });

  it('publishes a reading that a subscriber sees', async () => {
    const subscriber = await tcpClient(demo);
    const seen: SensorData[] = [];
    subscriber.on(DemoMessage.SENSOR_DATA, (r) => seen.push(r));
    await subscriber.request(DemoMessage.SENSOR_SUBSCRIBE, { status: false });
    const published = await runCli([
      'sensors',
      'publish',
      '1',
      '-2',
      '3.5',
      '4',
      '--source',
      'cli-probe',
      ...flags(),
    ]);
    expect(published).toMatchObject({ status: 0, stdout: 'published 1 -2 3.5 4 as cli-probe\n' });
    await until(() => seen.some((r) => r.source === 'cli-probe'), 'the CLI reading');
    expect(seen.find((r) => r.source === 'cli-probe')).toMatchObject({
      sensor1: 1,
      sensor2: -2,
      sensor3: 3.5,
    });
  });

  it('reports a wrong token and bad usage with exit statuses 1 and 2', async () => {
    const wrong = await runCli([
      'echo',
      'x',
      '--port',
      String(demo.tcpPort),
      '--token',
      'wrong-token-123456',
    ]);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('unauthorized');
    const usage = await runCli(['kv', 'frobnicate']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('unknown command frobnicate');
  });

  it('a --ca file that does not exist is a usage error naming the path, not a TLS failure later', async () => {
    const missing = '/nonexistent/bp-demo-ca.pem';
    const result = await runCli([
      'echo',
      'x',
      '--tls',
      '--port',
      String(demo.tlsPort),
      '--ca',
      missing,
      '--token',
      't',
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--ca: no file at ${missing}`);
    expect(result.stderr).not.toContain('self-signed');
  });
});
