import { isSessionError } from '../session-error.js';

/**
 * Handshake answers that no retry can fix (docs/PROTOCOL.md section 5.2, rule 4): a client stops
 * reconnecting and closes with the error. `server-busy` and network errors are retried.
 */
export const PERMANENT_CODES: ReadonlySet<string> = new Set([
  'unauthorized',
  'schema-mismatch',
  'unsupported-version',
  'bad-magic',
]);

/** True when `error` is a refusal that reconnecting cannot get past. */
export function isPermanent(error: unknown): boolean {
  return isSessionError(error) && PERMANENT_CODES.has(error.code);
}
