import { FieldDefinition, MessageStructure, ProtocolConfig } from '@bp/codec';

// The Python side's enum and structures, spelled as in its binary_protocol package.
export enum MessageType {
  STATUS = 2,
  FIXED_BENCHMARK = 4,
}

export const config = new ProtocolConfig({
  messageTypeEnum: MessageType,
  messageStructures: {
    [MessageType.STATUS]: new MessageStructure([
      new FieldDefinition('status_code', Number, { formatString: '>I' }),
      new FieldDefinition('message', String), // variable: the message carries a '>I' length
    ]),
    [MessageType.FIXED_BENCHMARK]: new MessageStructure([
      new FieldDefinition('value', Number, { formatString: '>I' }), // fixed: no length
    ]),
  },
});

/** Serving a Python client: the bytes it sent in, the bytes of the reply it reads out. */
export function serve(request: Uint8Array): Uint8Array {
  const message = config.decodeMessage(request); // throws a DecodeError for bad bytes
  if (message.type === MessageType.STATUS) {
    const { status_code, message: text } = message.value;
    return config.encodeMessage(MessageType.STATUS, {
      status_code: status_code + 1,
      message: text.toUpperCase(),
    });
  }
  return config.encodeNotFound(); // ff ff, what the package's default handler sends
}

/** Calling a Python server: the request to write, and the reply it sent back, decoded. */
export function call(reply?: Uint8Array) {
  if (reply === undefined)
    return config.encodeMessage(MessageType.STATUS, { status_code: 200, message: 'ok' });
  return config.decodeMessage(reply);
}
