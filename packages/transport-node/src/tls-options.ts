import { isIP } from 'node:net';
import type { ConnectionOptions, SecureContextOptions, SecureVersion, TlsOptions } from 'node:tls';
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

/** Turns {@link ServerTlsOptions} into `tls.createServer` options. */
export function serverTlsOptions(options: ServerTlsOptions, handshakeTimeout: number): TlsOptions {
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
  return { ...result, ...extra };
}

/** The secure-context part of {@link ServerTlsOptions}, for `setSecureContext`. */
export function secureContextOptions(options: ServerTlsOptions): SecureContextOptions {
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
  return result;
}

/** Turns {@link ClientTlsOptions} into `tls.connect` options for `host:port`. */
export function clientTlsOptions(options: ClientTlsOptions, host: string, port: number): ConnectionOptions {
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
