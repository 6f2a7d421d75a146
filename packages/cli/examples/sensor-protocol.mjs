// The protocol of the README walkthrough and the tests: a sensor feed with requests, in the DSL.
import {
  array,
  enumeration,
  f32,
  f64le,
  i64,
  optional,
  ProtocolConfig,
  string,
  struct,
  u8,
  u16le,
  u32,
  u64,
  union,
} from '@bp/codec';

export const MessageType = { SENSOR_DATA: 1, GET_READING: 2, READING: 3, CONFIG: 4 };

export const protocol = new ProtocolConfig({
  messageTypeEnum: MessageType,
  messageStructures: {
    [MessageType.SENSOR_DATA]: struct({ sensor1: f32, sensor2: f64le, station: string(), seq: u64 }),
    [MessageType.GET_READING]: struct({ station: string({ length: 8 }), index: u16le }),
    [MessageType.READING]: struct({
      values: array(i64),
      unit: enumeration(['celsius', 'kelvin']),
      note: optional(string({ lengthPrefix: 'u8' })),
    }),
    [MessageType.CONFIG]: struct({
      target: union('kind', {
        station: struct({ name: string(), level: u8 }),
        all: struct({ ids: array(u32, { length: 2 }) }),
      }),
    }),
  },
  responses: { [MessageType.GET_READING]: MessageType.READING },
});
