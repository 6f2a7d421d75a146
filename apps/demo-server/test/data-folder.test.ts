import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateToken } from '../src/server/access-token.js';
import { loadOrCreateCertificate } from '../src/server/dev-certificate.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bp-demo-data-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('access token', () => {
  it('is generated once, stored with mode 0600, then reused', () => {
    const dir = join(tempDir(), 'nested');
    const first = loadOrCreateToken(dir, undefined);
    expect(first.source).toBe('generated');
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(statSync(join(dir, 'token')).mode & 0o777).toBe(0o600);
    expect(loadOrCreateToken(dir, undefined)).toEqual({ token: first.token, source: 'stored' });
    expect(loadOrCreateToken(tempDir(), undefined).token).not.toBe(first.token);
  });

  it('prefers a configured token and does not store it', () => {
    const dir = tempDir();
    expect(loadOrCreateToken(dir, 'from-env-123')).toEqual({ token: 'from-env-123', source: 'configured' });
    expect(() => statSync(join(dir, 'token'))).toThrow();
  });
});

describe('development certificate', () => {
  it('is generated with openssl for localhost and 127.0.0.1, then reused', () => {
    const dir = tempDir();
    const first = loadOrCreateCertificate(dir, { certFile: undefined, keyFile: undefined });
    expect(first.source).toBe('generated');
    const x509 = new X509Certificate(first.cert);
    expect(x509.subjectAltName).toContain('DNS:localhost');
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(x509.checkPrivateKey(createPrivateKey(first.key))).toBe(true);
    // openssl itself agrees the pair matches.
    const pub1 = execFileSync('openssl', ['x509', '-in', first.certFile, '-noout', '-pubkey']).toString();
    const pub2 = execFileSync('openssl', ['pkey', '-in', first.keyFile, '-pubout']).toString();
    expect(pub1).toBe(pub2);
    const second = loadOrCreateCertificate(dir, { certFile: undefined, keyFile: undefined });
    expect(second.source).toBe('stored');
    expect(second.fingerprint256).toBe(first.fingerprint256);
  });

  it('uses configured files as they are', () => {
    const dir = tempDir();
    const made = loadOrCreateCertificate(dir, { certFile: undefined, keyFile: undefined });
    const certFile = join(dir, 'real-cert.pem');
    const keyFile = join(dir, 'real-key.pem');
    writeFileSync(certFile, readFileSync(made.certFile));
    writeFileSync(keyFile, readFileSync(made.keyFile));
    const configured = loadOrCreateCertificate(tempDir(), { certFile, keyFile });
    expect(configured.source).toBe('configured');
    expect(configured.fingerprint256).toBe(made.fingerprint256);
  });
});
