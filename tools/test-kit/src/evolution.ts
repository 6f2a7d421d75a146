// Two versions of one protocol for the schema evolution tests (docs/PROTOCOL.md section 7.6):
// every package's tests pair an old and a new peer with these, in both deployment orders.
import { bool, ProtocolConfig, string, struct, u8, u16, u32, withAliases, withDefault } from '@bp/codec';

/** Message types of both versions; ALERT and STATUS are new in v2, LEGACY was dropped from it. */
export enum SensorType {
  READING = 1,
  QUERY = 2,
  REPORT = 3,
  ALERT = 5,
  LEGACY = 6,
  STATUS_REQ = 7,
  STATUS = 8,
}

/** Version 1 of the sensor protocol. */
export const sensorV1 = new ProtocolConfig({
  messageTypeEnum: SensorType,
  messageStructures: {
    [SensorType.READING]: struct({ id: u16, temperature: u16 }),
    [SensorType.QUERY]: struct({ id: u16 }),
    [SensorType.REPORT]: struct({ id: u16, count: u32 }),
    [SensorType.LEGACY]: struct({ text: string() }),
    [SensorType.STATUS_REQ]: struct({ verbose: bool }),
  },
  responses: { [SensorType.QUERY]: SensorType.REPORT },
});

/**
 * Version 2, compatible with version 1 both ways: READING gains `battery` (default 100), QUERY's
 * `id` is renamed `sensor` (alias `id`), REPORT gains `note` (default 'none'), ALERT and STATUS
 * are new (STATUS answers STATUS_REQ, one-way in v1), LEGACY is gone.
 */
export const sensorV2 = new ProtocolConfig({
  messageTypeEnum: SensorType,
  messageStructures: {
    [SensorType.READING]: struct({ id: u16, temperature: u16, battery: withDefault(u8, 100) }),
    [SensorType.QUERY]: struct({ sensor: withAliases(u16, ['id']) }),
    [SensorType.REPORT]: struct({ id: u16, count: u32, note: withDefault(string(), 'none') }),
    [SensorType.ALERT]: struct({ level: u8 }),
    [SensorType.STATUS_REQ]: struct({ verbose: bool }),
    [SensorType.STATUS]: struct({ up: u32 }),
  },
  responses: { [SensorType.QUERY]: SensorType.REPORT, [SensorType.STATUS_REQ]: SensorType.STATUS },
});

/** Incompatible with version 1: READING's `id` became a string (rule `type-changed`, path `id`). */
export const sensorBroken = new ProtocolConfig({
  messageTypeEnum: SensorType,
  messageStructures: {
    ...sensorV1.messageStructures,
    [SensorType.READING]: struct({ id: string(), temperature: u16 }),
  },
  responses: { [SensorType.QUERY]: SensorType.REPORT },
});
