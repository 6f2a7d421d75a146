import { BpError, type BpErrorOptions } from '@bp/codec';

/** Stable codes of {@link ServerError}. */
export type ServerErrorCode =
  /** The server (or WebSocket listener) could not bind its address; `cause` holds the system error. */
  'listen-failed';

/** Options of {@link ServerError}. */
export interface ServerErrorOptions extends BpErrorOptions {
  /** The address the server tried to listen on, `host:port`. */
  address?: string | undefined;
}

/**
 * A server-side failure of the Node transport that is not about one connection: today, binding
 * the listening address. Wrong calls (listen after close, TLS calls on a plain server) are
 * `UsageError`s from `@bp/session`.
 */
export class ServerError extends BpError {
  static override readonly brand: string = '@bp/transport-node:ServerError';
  declare readonly code: ServerErrorCode;
  /** The address involved (`host:port`), when known. */
  readonly address: string | undefined;

  constructor(code: ServerErrorCode, message: string, options: ServerErrorOptions = {}) {
    super(code, message, options);
    this.address = options.address;
  }
}

/** True when `value` is a {@link ServerError} from any copy of this package. */
export function isServerError(value: unknown): value is ServerError {
  return value instanceof ServerError;
}

const HINTS: Record<string, string> = {
  EADDRINUSE: 'another process listens there: stop it, or pick another port (port 0 picks a free one)',
  EACCES: 'ports below 1024 need privileges: pick a port above 1023',
  EADDRNOTAVAIL: 'the host is not an address of this machine: use 127.0.0.1, or one of its interfaces',
};

/** A {@link ServerError} for a failed `listen` on `host:port`, naming the likely cause and fix. */
export function listenFailed(error: unknown, host: string, port: number | undefined): ServerError {
  const address = `${host.includes(':') ? `[${host}]` : host}:${port ?? 0}`;
  const code = (error as { code?: unknown } | null)?.code;
  const hint = typeof code === 'string' ? HINTS[code] : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  return new ServerError(
    'listen-failed',
    `cannot listen on ${address}: ${detail}${hint ? `; ${hint}` : ''}`,
    {
      cause: error,
      address,
    },
  );
}
