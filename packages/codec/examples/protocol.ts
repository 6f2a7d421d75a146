import { f32, Protocol, ProtocolConfig, string, struct, u32 } from '@bp/codec';

enum MessageType {
  GET = 1,
  VALUE = 2,
  SENSOR_DATA = 3,
}

const options = {
  messageTypeEnum: MessageType,
  messageStructures: {
    [MessageType.GET]: struct({ key: string() }),
    [MessageType.VALUE]: struct({ key: string(), value: u32 }),
    [MessageType.SENSOR_DATA]: struct({ sensor1: f32, sensor2: f32 }),
  },
  responses: { [MessageType.GET]: MessageType.VALUE },
} as const;

// A browser page or any bp-only peer: no Python-wire code in its bundle.
export const protocol = new Protocol(options);
// A Node server that also speaks the Python binary_protocol wire (BinaryServer, UDP, checksums).
export const config = new ProtocolConfig(options);

export function main(): string[] {
  const buf = new Uint8Array(64);
  const n = protocol.encodeMessageInto(MessageType.VALUE, { key: 'k', value: 7 }, buf);
  const message = config.decodeMessage(buf, 0, n); // the same bytes: header, then the payload
  const same = JSON.stringify(protocol.describe()) === JSON.stringify(config.describe());
  return [
    `${n} bytes, ${protocol.typeName(message.type)} ${JSON.stringify(message.value)}`,
    `reply to GET: ${protocol.typeName(protocol.replyTypeOf(MessageType.GET) as number)}`,
    `same schema: ${same}`,
  ];
}
