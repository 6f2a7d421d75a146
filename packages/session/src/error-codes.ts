/**
 * The error code table of docs/PROTOCOL.md section 9: numbers on the wire, stable names in code.
 */
export const ErrorCode = {
  normal: 0,
  'malformed-frame': 1,
  'payload-too-large': 2,
  'unknown-type': 3,
  'decode-error': 4,
  'unexpected-frame': 5,
  'handshake-timeout': 6,
  'read-timeout': 7,
  'idle-timeout': 8,
  'slow-consumer': 9,
  'rate-limited': 10,
  'too-many-in-flight': 11,
  'bad-magic': 12,
  'unsupported-version': 13,
  'schema-mismatch': 14,
  unauthorized: 15,
  'server-busy': 16,
  'no-handler': 17,
  'handler-error': 18,
  closing: 19,
  cancelled: 20,
  shutdown: 21,
  'internal-error': 22,
} as const;

/** Name of an error code defined by the protocol. */
export type WireErrorName = keyof typeof ErrorCode;

/** Codes raised locally only (docs/PROTOCOL.md section 9.2). */
export type LocalErrorName =
  | 'timeout'
  | 'aborted'
  | 'connection-closed'
  | 'not-open'
  | 'no-reply-type'
  | 'application-error'
  /** Version 2: the type (or the reply type of a request) is not in the peer's protocol; nothing was sent. */
  | 'peer-lacks-type';

/** Every `code` a {@link SessionError} can carry. */
export type SessionErrorCode = WireErrorName | LocalErrorName;

/** First code of the range applications may use for their own request errors. */
export const FIRST_APPLICATION_CODE = 1000;

const names: string[] = [];
for (const [name, code] of Object.entries(ErrorCode)) names[code] = name;

/**
 * Name for a wire code: the protocol name, `'application-error'` for 1000 and above, and
 * `'internal-error'` for unassigned protocol codes (as section 9.1 tells receivers to do).
 */
export function errorCodeName(code: number): SessionErrorCode {
  if (code >= FIRST_APPLICATION_CODE) return 'application-error';
  return (names[code] as WireErrorName | undefined) ?? 'internal-error';
}
