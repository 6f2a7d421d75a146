// Release 2: `temp` renamed (its old name kept as an alias), a `battery` field with a default, a
// new message type. Old and new peers read each other (README, `bp schema`).
import { f32, ProtocolConfig, string, struct, u8, u16, withAliases, withDefault } from '@bp/codec';

export const protocol = new ProtocolConfig({
  messageTypeEnum: { READING: 1, STATUS: 2, PING: 3 },
  messageStructures: {
    1: struct({
      sensorId: u16,
      temperature: withAliases(f32, ['temp']),
      battery: withDefault(u8, 100),
    }),
    2: struct({ message: string() }),
    3: struct({}),
  },
});
