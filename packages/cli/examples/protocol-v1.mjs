// Release 1 of a sensor protocol: the schema deployed devices speak (README, `bp schema`).
import { f32, ProtocolConfig, string, struct, u16 } from '@bp/codec';

export const protocol = new ProtocolConfig({
  messageTypeEnum: { READING: 1, STATUS: 2 },
  messageStructures: {
    1: struct({ sensorId: u16, temp: f32 }),
    2: struct({ message: string() }),
  },
});
