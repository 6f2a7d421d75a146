import { constants } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { ConnectionOptions, SecureContextOptions, SecureVersion, TlsOptions } from 'node:tls';
import { UsageError } from '@bp/session';
import type { TlsKeyLog } from './tls-keylog.js';

/** ALPN protocol id the server advertises and the client offers by default. */
export const DEFAULT_ALPN_ID = 'bp/1';

/** How the server treats client certificates. */
export type ClientCertificatePolicy =
  /** Do not ask for one (default). */
  | 'none'
  /** Ask; a missing or untrusted certificate is allowed, and visible to `authenticate` as unauthorized. */
  | 'request'
  /** Mutual TLS: a client without a certificate signed by `ca` fails the TLS handshake. */
  | 'require';

/**
 * TLS settings of a server: every `node:tls` secure-context option (`key`, `cert`, `ca`, `pfx`,
 * `passphrase`, `ciphers`, `crl`, ...) plus the few bp decides for you.
 */
export interface ServerTlsOptions extends SecureContextOptions {
  /** Lowest TLS version accepted. Default `'TLSv1.2'`. */
  minVersion?: SecureVersion;
  /** Highest TLS version accepted. Default: Node's (TLS 1.3). */
  maxVersion?: SecureVersion;
  /** Client certificates (mTLS). Default `'none'`. */
  clientCertificate?: ClientCertificatePolicy;
  /** ALPN ids offered, most preferred first. Default `['bp/1']`; `false` disables ALPN. */
  alpn?: readonly string[] | false;
  /** Extra `tls.createServer` options, applied last (escape hatch). */
  extra?: TlsOptions;
  /** Write TLS session keys for Wireshark (`SSLKEYLOGFILE` format). Off by default; see {@link TlsKeyLog}. */
  keyLog?: TlsKeyLog;
}

/** TLS settings of a client: `node:tls` connection options plus bp's defaults. */
export interface ClientTlsOptions
  extends Pick<
    ConnectionOptions,
    | 'ca'
    | 'cert'
    | 'key'
    | 'pfx'
    | 'passphrase'
    | 'servername'
    | 'rejectUnauthorized'
    | 'checkServerIdentity'
    | 'ciphers'
    | 'session'
    | 'secureContext'
  > {
  /** Lowest TLS version accepted. Default `'TLSv1.2'`. */
  minVersion?: SecureVersion;
  /** Highest TLS version offered. Default: Node's (TLS 1.3). */
  maxVersion?: SecureVersion;
  /** ALPN ids offered. Default `['bp/1']`; `false` offers none. */
  alpn?: readonly string[] | false;
  /** Extra `tls.connect` options, applied last (escape hatch). */
  extra?: ConnectionOptions;
  /** Write TLS session keys for Wireshark (`SSLKEYLOGFILE` format). Off by default; see {@link TlsKeyLog}. */
  keyLog?: TlsKeyLog;
}

const DEFAULT_MIN_VERSION: SecureVersion = 'TLSv1.2';

/**
 * `options` with client-initiated renegotiation refused (TLS 1.2; TLS 1.3 has none). Each
 * renegotiation costs the server a full handshake, bp never needs one, and Node's own limit
 * (`tls.CLIENT_RENEG_LIMIT`) only reports a breach as an `'error'` while the connection goes on.
 * A client that tries gets a `no_renegotiation` alert and the connection ends.
 */
export function withoutRenegotiation<T extends { secureOptions?: number | undefined }>(options: T): T {
  return { ...options, secureOptions: (options.secureOptions ?? 0) | constants.SSL_OP_NO_RENEGOTIATION };
}

const PEM_OPTIONS = ['ca', 'cert', 'key'] as const;

/**
 * Refuses a `ca`, `cert` or `key` string that is not PEM text. Node takes these as PEM contents,
 * never as file paths, and a `ca` that holds a path is silently ignored: the connection then fails
 * later with `self-signed certificate`, which points nowhere near the mistake. (`cert` and `key`
 * fail at once, with bare OpenSSL text such as `PEM routines::no start line`.)
 */
export function checkPemOptions(
  options: Partial<Record<(typeof PEM_OPTIONS)[number], unknown>>,
  where: string,
): void {
  for (const name of PEM_OPTIONS) {
    const value = options[name];
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item !== 'string' || item.includes('-----BEGIN')) continue;
      const path = resolve(item);
      const shown = item.length > 200 ? `${item.slice(0, 200)}...` : item;
      throw new UsageError(
        'invalid-option',
        existsSync(path)
          ? `${where}.${name}: "${shown}" is a file path, not PEM text; pass the file's contents, e.g. ` +
              `${name}: readFileSync('${shown}', 'utf8')`
          : `${where}.${name}: no file at ${path}, and "${shown}" is not PEM text either; ` +
              `give the ${name === 'ca' ? 'CA certificate' : name === 'cert' ? 'certificate' : 'private key'} ` +
              `as PEM text (readFileSync(path, 'utf8')) and check the path`,
      );
    }
  }
}

/** Turns {@link ServerTlsOptions} into `tls.createServer` options. */
export function serverTlsOptions(options: ServerTlsOptions, handshakeTimeout: number): TlsOptions {
  checkPemOptions(options, 'tls');
  const { minVersion, maxVersion, clientCertificate = 'none', alpn, extra, keyLog: _, ...context } = options;
  const result: TlsOptions = {
    ...context,
    minVersion: minVersion ?? DEFAULT_MIN_VERSION,
    requestCert: clientCertificate !== 'none',
    rejectUnauthorized: clientCertificate === 'require',
    handshakeTimeout,
  };
  if (maxVersion !== undefined) result.maxVersion = maxVersion;
  if (alpn !== false) result.ALPNProtocols = [...(alpn ?? [DEFAULT_ALPN_ID])];
  return { ...withoutRenegotiation(result), ...extra };
}

/** The secure-context part of {@link ServerTlsOptions}, for `setSecureContext`. */
export function secureContextOptions(options: ServerTlsOptions): SecureContextOptions {
  checkPemOptions(options, 'setSecureContext');
  const {
    minVersion,
    maxVersion,
    clientCertificate: _policy,
    alpn: _alpn,
    extra: _extra,
    keyLog: _keyLog,
    ...context
  } = options;
  const result: SecureContextOptions = { ...context, minVersion: minVersion ?? DEFAULT_MIN_VERSION };
  if (maxVersion !== undefined) result.maxVersion = maxVersion;
  return withoutRenegotiation(result);
}

/** Turns {@link ClientTlsOptions} into `tls.connect` options for `host:port`. */
export function clientTlsOptions(options: ClientTlsOptions, host: string, port: number): ConnectionOptions {
  checkPemOptions(options, 'tls');
  const { minVersion, maxVersion, alpn, extra, keyLog: _, ...rest } = options;
  const result: ConnectionOptions = {
    ...rest,
    host,
    port,
    minVersion: minVersion ?? DEFAULT_MIN_VERSION,
  };
  // SNI must not be an IP address (RFC 6066); Node warns and ignores it otherwise.
  if (result.servername === undefined && isIP(host) === 0) result.servername = host;
  if (maxVersion !== undefined) result.maxVersion = maxVersion;
  if (alpn !== false) result.ALPNProtocols = [...(alpn ?? [DEFAULT_ALPN_ID])];
  return { ...result, ...extra };
}
