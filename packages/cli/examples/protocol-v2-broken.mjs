// A release 2 that would break release 1 peers (README, `bp schema`): a narrowed number and a new
// field without a default.
import { f32, ProtocolConfig, string, struct, u8 } from '@bp/codec';

export const protocol = new ProtocolConfig({
  messageTypeEnum: { READING: 1, STATUS: 2 },
  messageStructures: {
    1: struct({ sensorId: u8, temp: f32, site: string() }),
    2: struct({ message: string() }),
  },
});
