import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '@bp/test-kit/async';
import { afterAll, describe, expect, it } from 'vitest';
import { DemoMessage } from '../src/schema.js';
import { loadOrCreateCertificate } from '../src/server/dev-certificate.js';
import { closeClients, tcpClient } from './helpers/clients.js';
import {
  makeDataDir,
  removeDataDirs,
  runCli,
  startDemoProcess,
  stopAllDemoProcesses,
} from './helpers/demo-process.js';

afterAll(async () => {
  await closeClients();
  await stopAllDemoProcesses();
  removeDataDirs();
});

describe('durability of the lmdb store', () => {
  it('keeps data across a graceful restart (SIGTERM drains and flushes), with the same token and certificate', async () => {
    const dataDir = makeDataDir();
    // No BP_TOKEN: the server generates one on first start and keeps it in the data folder.
    const first = await startDemoProcess({ dataDir, token: '', env: { BP_TOKEN: '' } });
    const token = readFileSync(join(dataDir, 'token'), 'utf8').trim();
    expect(first.stdout()).toContain(token);
    expect(first.stdout()).toContain('generated');
    const cert = readFileSync(join(dataDir, 'dev-cert.pem'), 'utf8');
    const client = await tcpClient({ tcpPort: first.tcpPort, token });
    const clientClosed = new Promise<Error | undefined>((resolve) => client.onClose(resolve));
    expect(await client.request(DemoMessage.KV_SET, { key: 'restart', value: 'survives' })).toEqual({
      created: true,
    });
    // A CLI watch that is running when the server stops ends, and says why.
    const watch = runCli(['kv', 'watch', 'restart', '--port', String(first.tcpPort), '--data-dir', dataDir]);
    await until(
      () => first.stderr().split('"client connected"').length - 1 >= 2,
      'the watch to connect',
      15_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.stderr()).toContain('store flushed and closed');
    // SIGTERM drained the open connection with a GOODBYE: the client sees a graceful close.
    expect(await clientClosed).toBeUndefined();
    expect(await watch).toMatchObject({
      status: 1,
      stdout: 'restart = survives\n',
      stderr: 'bp-demo: the server closed the connection\n',
    });

    const second = await startDemoProcess({ dataDir, token: '', env: { BP_TOKEN: '' } });
    expect(readFileSync(join(dataDir, 'dev-cert.pem'), 'utf8')).toBe(cert);
    expect(second.stdout()).toContain(token);
    // The CLI finds the token in the data folder by itself.
    const get = await runCli([
      'kv',
      'get',
      'restart',
      '--port',
      String(second.tcpPort),
      '--data-dir',
      dataDir,
    ]);
    expect(get).toMatchObject({ status: 0, stdout: 'survives\n' });
    await second.stop();
  });

  it('keeps an acknowledged SET across kill -9', async () => {
    const dataDir = makeDataDir();
    const first = await startDemoProcess({ dataDir });
    const client = await tcpClient(first);
    for (let i = 0; i < 20; i++) {
      await client.request(DemoMessage.KV_SET, { key: `crash:${i}`, value: `v${i}` });
    }
    // SIGKILL right after the last acknowledgement: nothing gets a chance to flush on exit.
    first.child.kill('SIGKILL');
    await first.stop();
    expect(first.stderr()).not.toContain('store flushed');

    const second = await startDemoProcess({ dataDir });
    const reader = await tcpClient(second);
    const { entries } = await reader.request(DemoMessage.KV_LIST, { prefix: 'crash:', limit: 100 });
    expect(entries).toHaveLength(20);
    expect(await reader.request(DemoMessage.KV_GET, { key: 'crash:19' })).toEqual({ value: 'v19' });
    await second.stop();
  });

  it('serves TLS with --cert/--key instead of generating a development certificate', async () => {
    const certDir = makeDataDir();
    const real = loadOrCreateCertificate(certDir, { certFile: undefined, keyFile: undefined });
    const dataDir = makeDataDir();
    const demo = await startDemoProcess({
      dataDir,
      args: ['--memory', '--cert', real.certFile, '--key', real.keyFile],
    });
    expect(existsSync(join(dataDir, 'dev-cert.pem'))).toBe(false);
    expect(demo.stdout()).toContain(real.fingerprint256);
    expect(demo.stdout()).not.toContain('development certificate');
    const echo = await runCli([
      'echo',
      'real cert',
      '--tls',
      '--port',
      String(demo.tlsPort),
      '--ca',
      real.certFile,
      '--token',
      demo.token,
    ]);
    expect(echo.stdout).toMatch(/^real cert {2}\(round trip/);
    // Without the CA the certificate is not trusted (there is no dev certificate to fall back on).
    const untrusted = await runCli([
      'echo',
      'x',
      '--tls',
      '--port',
      String(demo.tlsPort),
      '--data-dir',
      dataDir,
      '--token',
      demo.token,
    ]);
    expect(untrusted.status).toBe(1);
    expect(untrusted.stderr).toMatch(/certificate/i);
    await demo.stop();
  });

  it('with --memory keeps nothing in the data folder and loses data on restart', async () => {
    const dataDir = makeDataDir();
    const first = await startDemoProcess({ dataDir, args: ['--memory'] });
    const client = await tcpClient(first);
    await client.request(DemoMessage.KV_SET, { key: 'volatile', value: 'x' });
    await first.stop();
    expect(existsSync(join(dataDir, 'kv'))).toBe(false);
    const second = await startDemoProcess({ dataDir, args: ['--memory'] });
    const reader = await tcpClient(second);
    expect(await reader.request(DemoMessage.KV_GET, { key: 'volatile' })).toEqual({ value: undefined });
    await second.stop();
  });
});
