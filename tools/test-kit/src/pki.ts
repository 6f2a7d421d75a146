import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM material for one TLS identity. */
export interface Identity {
  key: string;
  cert: string;
}

/** Everything the TLS tests need, generated fresh by the real `openssl` CLI. */
export interface TestPki {
  ca: string;
  /** A second, unrelated CA: a client trusting only `ca` must refuse certificates it signed. */
  otherCa: string;
  server: Identity;
  /** A different server certificate from the same CA, for `setSecureContext` rotation. */
  rotatedServer: Identity;
  client: Identity;
  /** A client certificate signed by `otherCa`, which an mTLS server trusting `ca` must refuse. */
  strangerClient: Identity;
  dir: string;
  dispose(): void;
}

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
  openssl(dir, [
    'req',
    '-x509',
    '-new',
    '-key',
    `${name}.key`,
    '-sha256',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    `${name}.crt`,
  ]);
}

function makeLeaf(dir: string, name: string, ca: string, extensions: string): Identity {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
  openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  ]);
  return {
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
    cert: readFileSync(join(dir, `${name}.crt`), 'utf8'),
  };
}

const serverExtensions =
  'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' +
  'subjectAltName=IP:127.0.0.1,DNS:localhost\n';
const clientExtensions =
  'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n';

/**
 * Generates a CA, a server certificate for 127.0.0.1/localhost (SAN), a rotated server
 * certificate, a client certificate for mTLS, and a stranger CA + client, in a temp dir.
 */
export function generateTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'bp-test-pki-'));
  makeCa(dir, 'bp-test-ca');
  makeCa(dir, 'bp-other-ca');
  const server = makeLeaf(dir, 'bp-server', 'bp-test-ca', serverExtensions);
  const rotatedServer = makeLeaf(dir, 'bp-server-rotated', 'bp-test-ca', serverExtensions);
  const client = makeLeaf(dir, 'bp-client', 'bp-test-ca', clientExtensions);
  const strangerClient = makeLeaf(dir, 'bp-stranger', 'bp-other-ca', clientExtensions);
  return {
    ca: readFileSync(join(dir, 'bp-test-ca.crt'), 'utf8'),
    otherCa: readFileSync(join(dir, 'bp-other-ca.crt'), 'utf8'),
    server,
    rotatedServer,
    client,
    strangerClient,
    dir,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
