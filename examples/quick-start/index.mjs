// The quick example from the root README: describe messages once, encode, decode.
import { array, f32, ProtocolConfig, string, struct, u32 } from '@bp/codec';

const MessageType = { SENSOR_DATA: 1, STATUS: 2 };

const SensorData = struct({ sensor1: f32, sensor2: f32, sensor3: f32, sensor4: f32 });
const Status = struct({ statusCode: u32, message: string(), tags: array(string()) });

// Fixed-size messages encode into a reused buffer with no allocation.
const buf = new Uint8Array(64);
const written = SensorData.encodeInto({ sensor1: 1.5, sensor2: 2, sensor3: 3, sensor4: 4 }, buf, 0);
console.log(`SensorData: ${written} bytes`, SensorData.decode(buf, 0));

// A protocol: a 2-byte message-type header in front of each payload.
const protocol = new ProtocolConfig({
  messageTypeEnum: MessageType,
  messageStructures: { [MessageType.SENSOR_DATA]: SensorData, [MessageType.STATUS]: Status },
});
const bytes = protocol.encodeMessage(MessageType.STATUS, {
  statusCode: 200,
  message: 'ok',
  tags: ['a', 'b'],
});
const { type, value } = protocol.decodeMessage(bytes);
console.log(`STATUS: ${bytes.length} bytes on the wire (JSON: ${JSON.stringify(value).length})`, type, value);
