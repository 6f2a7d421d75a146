import { BpError, type BpErrorOptions } from '@bp/codec';
import { ErrorCode, FIRST_APPLICATION_CODE, type SessionErrorCode } from './error-codes.js';

/** One message type whose schema differs between client and server (from a `REJECT`). */
export interface SchemaMismatch {
  /** The message type number. */
  readonly type: number;
  /** The type's name in the local protocol, when the local protocol has the type. */
  readonly name?: string | undefined;
  /** `differs`: both have it with different schemas; otherwise which side alone has it. */
  readonly status: 'differs' | 'client-only' | 'server-only';
}

/**
 * One breaking schema difference a server found when it tried to resolve a client's schema
 * (protocol version 2, docs/PROTOCOL.md section 7.6), from a `REJECT`'s schema issues.
 */
export interface SchemaIssue {
  /** The message type number. */
  readonly type: number;
  /** The type's name in the local protocol, when the local protocol has the type. */
  readonly name?: string | undefined;
  /** The field path in the server's schema (`status.message`, `items[]`); '' for the whole value. */
  readonly path: string;
  /** The rule that breaks: a `CompatibilityRule` of `@bp/codec` (`missing-default`, `type-changed`, ...). */
  readonly rule: string;
}

/** Options of {@link SessionError}. */
export interface SessionErrorOptions extends BpErrorOptions {
  /** True when the error came from the peer (an `ERROR` or `REJECT` frame). */
  remote?: boolean;
  /** The numeric code on the wire, when there is one. */
  wireCode?: number;
  /** The request the error belongs to, if any. */
  requestId?: number;
  /** For `schema-mismatch`: the message types that differ. */
  mismatches?: readonly SchemaMismatch[];
  /** For `schema-mismatch` after a descriptor exchange (version 2): each breaking difference. */
  schemaIssues?: readonly SchemaIssue[];
  /** For `peer-lacks-type`: the message type the peer lacks. */
  messageType?: number;
  /** For handshake rejections: the protocol versions the server speaks. */
  serverVersions?: { readonly min: number; readonly max: number };
  /** For errors in incoming bytes: the offset in the byte stream where the bad frame starts. */
  offset?: number;
}

/**
 * An error of a session: a failed handshake, a failed or timed-out request, a closed connection,
 * a protocol violation. `code` is one of the names of docs/PROTOCOL.md section 9; `remote` tells
 * whether the peer reported it or it was detected here.
 */
export class SessionError extends BpError {
  static override readonly brand: string = '@bp/session:SessionError';
  declare readonly code: SessionErrorCode;
  /** True when the peer sent this error (an `ERROR` or `REJECT` frame). */
  readonly remote: boolean;
  /** The numeric wire code (section 9.1), for remote errors and errors this side reports to the peer. */
  readonly wireCode: number | undefined;
  /** The request id, for errors of one request. */
  readonly requestId: number | undefined;
  /** For `schema-mismatch`: which message types differ. */
  readonly mismatches: readonly SchemaMismatch[] | undefined;
  /**
   * For `schema-mismatch` after a descriptor exchange (version 2): each breaking difference, with
   * type, field path and rule. Undefined for version-1 rejections (see {@link SessionError.mismatches}).
   */
  readonly schemaIssues: readonly SchemaIssue[] | undefined;
  /** For `peer-lacks-type`: the message type the peer's protocol does not have. */
  readonly messageType: number | undefined;
  /** For handshake rejections: the versions the server speaks. */
  readonly serverVersions: { readonly min: number; readonly max: number } | undefined;
  /** For errors in incoming bytes: the stream offset of the bad frame's first byte. */
  readonly offset: number | undefined;

  constructor(code: SessionErrorCode, message: string, options: SessionErrorOptions = {}) {
    super(code, message, options);
    this.remote = options.remote ?? false;
    this.wireCode = options.wireCode ?? (ErrorCode as Record<string, number>)[code];
    this.requestId = options.requestId;
    this.mismatches = options.mismatches;
    this.schemaIssues = options.schemaIssues;
    this.messageType = options.messageType;
    this.serverVersions = options.serverVersions;
    this.offset = options.offset;
  }
}

/**
 * Thrown by a request handler to fail that request with an application-defined code (1000-65535)
 * and a message that is sent to the peer as is. Any other exception a handler throws is reported to
 * the peer as `handler-error` with a fixed message, so internals never leak.
 */
export class ApplicationError extends BpError {
  static override readonly brand: string = '@bp/session:ApplicationError';
  /** The numeric code sent on the wire, 1000-65535. */
  readonly wireCode: number;

  constructor(wireCode: number, message: string, options?: BpErrorOptions) {
    if (!Number.isInteger(wireCode) || wireCode < FIRST_APPLICATION_CODE || wireCode > 0xffff) {
      throw new RangeError(`application error codes are integers in 1000..65535, got ${wireCode}`);
    }
    super('application-error', message, options);
    this.wireCode = wireCode;
  }
}

/** True if `value` is a {@link SessionError} (from any copy of this package). */
export function isSessionError(value: unknown): value is SessionError {
  return value instanceof SessionError;
}

/** True if `value` is an {@link ApplicationError} (from any copy of this package). */
export function isApplicationError(value: unknown): value is ApplicationError {
  return value instanceof ApplicationError;
}
