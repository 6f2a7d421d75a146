import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** File names of the development certificate inside the data folder. */
export const DEV_CERT_FILE = 'dev-cert.pem';
export const DEV_KEY_FILE = 'dev-key.pem';

/** A certificate and key in PEM, and where they came from. */
export interface TlsMaterial {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
  source: 'configured' | 'stored' | 'generated';
  /** SHA-256 fingerprint, printed so people can compare it with what their client sees. */
  fingerprint256: string;
}

/**
 * Returns the configured certificate, else the development certificate stored in `dataDir`,
 * generating it on first start with the `openssl` CLI (self-signed, P-256, valid for
 * `localhost` and `127.0.0.1`, 825 days). A stored one that has expired is replaced.
 */
export function loadOrCreateCertificate(
  dataDir: string,
  configured: { certFile: string | undefined; keyFile: string | undefined },
): TlsMaterial {
  if (configured.certFile !== undefined && configured.keyFile !== undefined) {
    return read(configured.certFile, configured.keyFile, 'configured');
  }
  const certFile = join(dataDir, DEV_CERT_FILE);
  const keyFile = join(dataDir, DEV_KEY_FILE);
  if (existsSync(certFile) && existsSync(keyFile)) {
    const stored = read(certFile, keyFile, 'stored');
    if (Date.parse(new X509Certificate(stored.cert).validTo) > Date.now()) return stored;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Written under temporary names and renamed, so a crash mid-way never leaves half a pair.
  const tmpCert = `${certFile}.${process.pid}.tmp`;
  const tmpKey = `${keyFile}.${process.pid}.tmp`;
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        tmpKey,
        '-out',
        tmpCert,
        '-days',
        '825',
        '-subj',
        '/CN=localhost/O=bp demo (development certificate)',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
        '-addext',
        'basicConstraints=critical,CA:FALSE',
        '-addext',
        'extendedKeyUsage=serverAuth',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    renameSync(tmpKey, keyFile);
    renameSync(tmpCert, certFile);
  } catch (error) {
    rmSync(tmpCert, { force: true });
    rmSync(tmpKey, { force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(
      `could not generate the development certificate with openssl${stderr ? `: ${stderr}` : ''}`,
      {
        cause: error,
      },
    );
  }
  return { ...read(certFile, keyFile, 'generated') };
}

function read(certFile: string, keyFile: string, source: TlsMaterial['source']): TlsMaterial {
  const cert = readFileSync(certFile, 'utf8');
  const key = readFileSync(keyFile, 'utf8');
  const fingerprint256 = new X509Certificate(cert).fingerprint256;
  return { cert, key, certFile, keyFile, source, fingerprint256 };
}
