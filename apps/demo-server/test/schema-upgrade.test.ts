/**
 * The demo's schema upgrade, without a server: version 2 (SENSOR_DATA gained `battery` with a
 * default) and version 1 (kept in test/fixtures) read each other's messages, both ways, and the
 * fixture is still version 1 as released.
 */
import { readFileSync } from 'node:fs';
import {
  checkCompatibility,
  f32,
  f64,
  ProtocolConfig,
  type ProtocolDescriptor,
  resolve,
  string,
  struct,
  u8,
} from '@bp/codec';
import { describe, expect, test } from 'vitest';
import { DemoMessage, demoProtocol, SensorData } from '../src/schema.js';
import { demoProtocolV1, SensorDataV1 } from './fixtures/demo-protocol-v1.js';

const v1 = JSON.parse(
  readFileSync(new URL('./fixtures/demo-schema-v1.json', import.meta.url), 'utf8'),
) as ProtocolDescriptor;

describe('the demo schema, version 1 to version 2', () => {
  test('the version 1 fixture is still the released version 1', () => {
    expect(JSON.parse(JSON.stringify(demoProtocolV1.describe()))).toEqual(v1);
  });

  test('version 2 reads version 1 and version 1 reads version 2, and only SENSOR_DATA changed', () => {
    expect(checkCompatibility(v1, demoProtocol)).toEqual({ compatible: true, issues: [] });
    expect(checkCompatibility(demoProtocol, v1)).toEqual({ compatible: true, issues: [] });
    const changed = demoProtocol
      .describe()
      .types.filter((t, i) => JSON.stringify(t) !== JSON.stringify(v1.types[i]))
      .map((t) => t.type);
    expect(changed).toEqual([DemoMessage.SENSOR_DATA]);
  });

  test('the same field without a default would be reported (as the README says)', () => {
    const noDefault = new ProtocolConfig({
      messageTypeEnum: DemoMessage,
      messageStructures: {
        ...demoProtocol.messageStructures,
        [DemoMessage.SENSOR_DATA]: struct({
          sensor1: f32,
          sensor2: f32,
          sensor3: f32,
          sensor4: f32,
          source: string(),
          timestamp: f64,
          battery: u8,
        }),
      },
      responses: demoProtocol.responses,
    });
    const report = checkCompatibility(v1, noDefault);
    expect(report.issues.map((i) => [i.typeName, i.path, i.rule])).toEqual([
      ['SENSOR_DATA', 'battery', 'missing-default'],
    ]);
  });

  test("a version 1 reading reads as battery 100; a version 2 reading loses battery in version 1's shape", () => {
    const v1Reading = { sensor1: 1, sensor2: 2, sensor3: 3, sensor4: 4, source: 'old', timestamp: 5 };
    const sensorV1 = v1.types.find((t) => t.type === DemoMessage.SENSOR_DATA)?.schema;
    const fromV1 = resolve(sensorV1 as never, SensorData);
    expect(fromV1.decode(SensorDataV1.encode(v1Reading))).toEqual({ ...v1Reading, battery: 100 });
    // Answering a version 1 peer: a version 2 value written in version 1's layout.
    expect(SensorDataV1.decode(fromV1.encode({ ...v1Reading, battery: 42 }))).toEqual(v1Reading);
    const fromV2 = resolve(SensorData.describe(), SensorDataV1);
    expect(fromV2.decode(SensorData.encode({ ...v1Reading, battery: 42 }))).toEqual(v1Reading);
  });
});
