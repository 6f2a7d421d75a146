import type {
  MessageTypes as CodecMessageTypes,
  MessageValue as CodecMessageValue,
  ReplyValue as CodecReplyValue,
  ProtocolSchema,
} from '@bp/codec';
import type { ProtocolDescription } from './fingerprint.js';

/** What a session needs from one payload codec (a `Codec` of `@bp/codec`). */
export interface SessionCodec {
  readonly fixedSize: number | undefined;
  byteLength(value: any): number;
  encodeInto(value: any, target: Uint8Array, offset?: number): number;
  decodeFrom(source: Uint8Array, offset: number, end: number, limits?: any): { value: any; offset: number };
  /** Optional: one value from `offset`, bytes after it ignored (used for fixed-size payloads). */
  decode?(source: Uint8Array, offset?: number, limits?: any): any;
}

/**
 * What a session needs from a `Protocol` or `ProtocolConfig` of `@bp/codec`. Declared structurally so the
 * session also works with any object that honours the same contract.
 */
export interface SessionProtocol {
  readonly headerFormat: string;
  readonly headerSize: number;
  readonly maxPayloadSize: number;
  readonly connectTimeout: number;
  readonly readTimeout: number;
  hasType(type: number): boolean;
  typeName(type: number): string | undefined;
  /** The type that answers `requestType` (a number), or undefined. Typed loosely to accept every `ProtocolConfig`. */
  replyTypeOf(requestType: number): unknown;
  messageByteLength(type: any, value: any): number;
  encodeMessageInto(type: any, value: any, target: Uint8Array, offset?: number): number;
  decodeMessage(bytes: Uint8Array, offset?: number, end?: number): { type: any; value: any };
  describe(): ProtocolDescription;
  /** Optional, for the fast path: the message type numbers. */
  messageTypes?(): readonly number[];
  /** Optional, for the fast path: the payload codec of a type. */
  codecFor?(type: number): SessionCodec;
  /** Optional: the budgets payload decodes run with. */
  readonly decodeLimits?: object;
}

/** The message type numbers of protocol `P`. */
export type MessageTypes<P> = CodecMessageTypes<P>;
/** The value type of message type `T` of protocol `P`. */
export type MessageValue<P, T> = T extends number ? CodecMessageValue<P, T> : never;
/** The value type of the reply to request type `T` of protocol `P`. */
export type ReplyValue<P, T> = T extends number ? CodecReplyValue<P, T> : never;
/** The message types of `P` that have a declared reply (`responses`): the ones `request()` takes. */
export type RequestTypes<P> = P extends ProtocolSchema<any, infer R> ? keyof R & number : never;
