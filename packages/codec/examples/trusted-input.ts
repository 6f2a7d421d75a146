import { f32, struct, trustedInput } from '@bp/codec';

const Sensor = struct({ sensor1: f32, sensor2: f32, sensor3: f32, sensor4: f32 });
// Values this loop builds itself: the checks are the only cost left, so leave them out.
const SensorTrusted = trustedInput(Sensor);

export function main(): string[] {
  const out = new Uint8Array(16 * 1024);
  let at = 0;
  for (let i = 0; i < 1024; i++) {
    at += SensorTrusted.encodeInto({ sensor1: i, sensor2: i / 2, sensor3: -i, sensor4: 1.5 }, out, at);
  }
  const last = Sensor.decode(out, at - 16);
  let refused = 'nothing';
  try {
    SensorTrusted.encodeInto({ sensor1: 0, sensor2: 0, sensor3: 0, sensor4: 0 }, out, at); // full
  } catch (e) {
    refused = (e as Error).name;
  }
  return [`${at} bytes`, `last: ${JSON.stringify(last)}`, `into a full buffer: ${refused}`];
}
