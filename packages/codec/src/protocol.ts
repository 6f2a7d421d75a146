import type { Infer } from './codec.js';
import {
  type DecodedMessage,
  ProtocolSchema,
  type ProtocolSchemaOptions,
  type Responses,
  type Structures,
  type TypeKey,
} from './protocol-schema.js';

/**
 * A protocol for bp's own sessions and transports: the message types, their payload codecs, the
 * reply of each request type and the message-type header. A message is the header then the
 * payload, as bp's frames carry it. What it leaves out of {@link ProtocolConfig} is the Python
 * `binary_protocol` package's wire (payload lengths, checksums, NOT_FOUND, the interpreted engine
 * switch), so a browser bundle that uses `Protocol` does not carry that code. A `Protocol` and a
 * `ProtocolConfig` of the same schema have the same fingerprint and talk to each other.
 *
 * @example
 * ```ts
 * const protocol = new Protocol({
 *   messageTypeEnum: MessageType,
 *   messageStructures: {
 *     [MessageType.GET]: struct({ key: string() }),
 *     [MessageType.VALUE]: struct({ key: string(), value: u32 }),
 *   },
 *   responses: { [MessageType.GET]: MessageType.VALUE },
 * });
 * const client = await connect(url, { protocol });
 * ```
 */
export class Protocol<
  const S extends Structures = Structures,
  const R extends Responses = {},
> extends ProtocolSchema<S, R> {
  constructor(options: ProtocolSchemaOptions<S, R>) {
    super(options, 'Protocol');
  }

  /** Size of a whole message in bytes: header and payload. */
  messageByteLength<T extends TypeKey<S>>(type: T, value: Infer<S[T]>): number {
    return this.headerSize + this.codecFor(type as number).byteLength(value);
  }

  /**
   * Encodes a message (header, payload) into `target` at `offset` and returns the bytes written;
   * allocates nothing. Throws {@link EncodeError} (`unknown-type`, `payload-too-large`,
   * `buffer-too-small`, or a value error with the path prefixed by the type name).
   */
  encodeMessageInto<T extends TypeKey<S>>(
    type: T,
    value: Infer<S[T]>,
    target: Uint8Array,
    offset = 0,
  ): number {
    const codec = this.codecFor(type as number);
    const h = this.header.encodeInto(type, target, offset);
    return h + this.encodePayload(type, codec, value, target, offset + h);
  }

  /**
   * Decodes one message occupying exactly `bytes[offset..end)`. Throws only
   * {@link DecodeError}: `truncated`, `unknown-type`, `payload-too-large`, `trailing-bytes`, or a
   * payload error with the path prefixed by the type name.
   */
  decodeMessage(bytes: Uint8Array, offset = 0, end: number = bytes.length): DecodedMessage<S> {
    const type = this.readHeader(bytes, offset, end);
    const codec = this.codecAt(type, offset);
    const start = offset + this.headerSize;
    if (end - start > this.maxPayloadSize) throw this.tooLargeDecode(type, end - start, start);
    return { type, value: this.decodePayload(type, codec, bytes, start, end) } as DecodedMessage<S>;
  }
}
