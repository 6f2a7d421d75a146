// A protocol of the Python binary_protocol package's wire (the README structures of that package,
// spelled as in @bp/codec), for the bpy part of the dissector and `bp decode --binary-protocol`.
import { FieldDefinition, MessageStructure, ProtocolConfig } from '@bp/codec';

export const MessageType = {
  SENSOR_DATA: 1,
  STATUS: 2,
  BENCHMARK: 3,
  FIXED_BENCHMARK: 4,
  FIXED_TAG: 6,
  STATUS_OK: 15,
};

const num = (name, formatString) => new FieldDefinition(name, Number, { formatString });

/** The structures; `options` picks the header format, checksum and transport. */
export function pythonWireProtocol(options = {}) {
  return new ProtocolConfig({
    messageTypeEnum: MessageType,
    messageStructures: {
      [MessageType.SENSOR_DATA]: new MessageStructure([
        num('sensor1', '>f'),
        num('sensor2', '>f'),
        num('sensor3', '>f'),
        num('sensor4', '>f'),
      ]),
      [MessageType.STATUS]: new MessageStructure([
        num('status_code', '>I'),
        new FieldDefinition('message', String),
      ]),
      [MessageType.BENCHMARK]: new MessageStructure([new FieldDefinition('data', Uint8Array)]),
      [MessageType.FIXED_BENCHMARK]: new MessageStructure([num('value', '>I')]),
      [MessageType.FIXED_TAG]: new MessageStructure([
        new FieldDefinition('tag', String, { fixedLength: 6 }),
        num('n', '<H'),
      ]),
      [MessageType.STATUS_OK]: new MessageStructure([]),
    },
    ...options,
  });
}

export const protocol = pythonWireProtocol();
