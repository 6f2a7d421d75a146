/**
 * TLS key logs for debugging with Wireshark: Node's `'keylog'` event, written in the NSS key log
 * format that browsers and curl write to the file named by `SSLKEYLOGFILE`. Wireshark decrypts a
 * capture given that file (`-o tls.keylog_file:keys.log`). Off unless asked for: anyone who has
 * the file can read the recorded traffic, so use it on test and development systems only.
 */

import type { EventEmitter } from 'node:events';
import { appendFileSync } from 'node:fs';

/**
 * Where TLS session keys go:
 * - a file path: each line is appended (the file is created with mode 0600);
 * - `true`: the file named by the `SSLKEYLOGFILE` environment variable, nothing when it is unset;
 * - a function: called with each line (a Buffer ending in a newline);
 * - `false` or absent: keys are not logged (the default).
 */
export type TlsKeyLog = string | boolean | ((line: Buffer) => void);

function writerOf(keyLog: TlsKeyLog | undefined): ((line: Buffer) => void) | undefined {
  if (typeof keyLog === 'function') return keyLog;
  const path = keyLog === true ? process.env.SSLKEYLOGFILE : keyLog;
  if (typeof path !== 'string' || path === '') return undefined;
  // Synchronous so every key is on disk before the handshake it belongs to goes on.
  return (line) => appendFileSync(path, line, { mode: 0o600 });
}

/**
 * Logs the keys of every TLS connection of `emitter`: a `tls.Server` (the event fires per
 * connection) or a client `TLSSocket`. Does nothing when `keyLog` asks for no logging.
 */
export function attachKeyLog(emitter: EventEmitter, keyLog: TlsKeyLog | undefined): void {
  const write = writerOf(keyLog);
  if (write !== undefined) emitter.on('keylog', (line: Buffer) => write(line));
}
