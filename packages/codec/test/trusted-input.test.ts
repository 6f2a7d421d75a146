import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import {
  EncodeError,
  f32,
  string,
  struct,
  trustedInput,
  u8,
  u16,
  u32,
  withEngine,
} from '../src/index.node.js';
import { build, schemaAndValueArb } from './schema-arbitrary.js';

const RUNS = Number(process.env.CODEC_FC_RUNS ?? 150);
vi.setConfig({ testTimeout: Math.max(15_000, RUNS * 60) });

const Sensor = struct({ sensor1: f32, sensor2: f32, sensor3: f32, sensor4: f32 });

describe('trustedInput', () => {
  test('writes the same bytes as the checked codec for every valid value, and decodes the same', () => {
    fc.assert(
      fc.property(schemaAndValueArb(), ({ schema, value }) => {
        const checked = withEngine(build(schema, 'generated'), 'generated');
        const trusted = trustedInput(checked);
        expect(trusted.trustedInput).toBe(true);
        const expected = checked.encode(value);
        const target = new Uint8Array(expected.length + 3);
        expect(trusted.encodeInto(value, target, 3)).toBe(expected.length);
        expect(target.subarray(3)).toEqual(expected);
        expect(trusted.encode(value)).toEqual(expected);
        expect(trusted.decode(expected)).toEqual(checked.decode(expected));
      }),
      { numRuns: RUNS },
    );
  });

  test('keeps every room check: a target one byte short is refused, nothing is written past it', () => {
    fc.assert(
      fc.property(schemaAndValueArb(), ({ schema, value }) => {
        const trusted = trustedInput(withEngine(build(schema, 'generated'), 'generated'));
        const size = trusted.byteLength(value);
        if (size === 0) return;
        const backing = new Uint8Array(size + 8).fill(0xa5);
        const short = backing.subarray(4, 4 + size - 1);
        expect(() => trusted.encodeInto(value, short, 0)).toThrow(EncodeError);
        expect(backing.subarray(4 + size - 1)).toEqual(new Uint8Array(5).fill(0xa5));
        expect(backing.subarray(0, 4)).toEqual(new Uint8Array(4).fill(0xa5));
      }),
      { numRuns: RUNS },
    );
  });

  test('leaves out only the number checks: out-of-range numbers are written as a DataView would', () => {
    const checked = struct({ a: u8, b: u16, c: u32, d: f32 });
    const trusted = trustedInput(checked);
    const value = { a: 300, b: -1, c: 2 ** 32 + 5, d: 1e39 };
    expect(() => checked.encode(value)).toThrow(EncodeError);
    const bytes = trusted.encode(value);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect([view.getUint8(0), view.getUint16(1), view.getUint32(3), view.getFloat32(7)]).toEqual([
      300 & 0xff,
      0xffff,
      5,
      Number.POSITIVE_INFINITY,
    ]);
    // Strings keep their checks: they decide how many bytes are written.
    const Named = trustedInput(struct({ id: u32, name: string() }));
    expect(() => Named.encode({ id: 1, name: 42 as unknown as string })).toThrow(EncodeError);
  });

  test('engines without an unchecked encoder keep their checks and say so', () => {
    for (const engine of ['closures', 'interpreted'] as const) {
      const trusted = trustedInput(withEngine(Sensor, engine));
      expect(trusted.trustedInput).toBe(false);
      expect(trusted.engine).toBe(engine);
      expect(() => trusted.encode({ sensor1: 1e39, sensor2: 0, sensor3: 0, sensor4: 0 })).toThrow(
        EncodeError,
      );
    }
    expect(Sensor.trustedInput).toBe(false);
    expect(withEngine(trustedInput(Sensor), 'generated').trustedInput).toBe(false);
  });

  test('refuses what is not a codec of this package', () => {
    expect(() => trustedInput({} as typeof Sensor)).toThrow(TypeError);
  });
});
