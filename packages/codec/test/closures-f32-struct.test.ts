/**
 * The closures engine writes a struct of only f32/f32le fields with the writer that comes with
 * those primitives (unrolledF32Writer: one overflow check for the whole struct). It is reached
 * through the primitives' closures, so that apps without floats do not bundle it; this checks the
 * engine still finds it, and that other structs do not get it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { F32, F32LE } from '../src/closure-primitives.js';
import { enablePrimitives } from '../src/engine-closures.js';
import { f32, f32le, struct, u32, withEngine } from '../src/index.node.js';
import { unrolledF32Writer } from '../src/struct-unrolled.js';

afterEach(() => enablePrimitives({ f32: F32, f32le: F32LE }));

function spyOnF32Struct() {
  const spy = vi.fn(unrolledF32Writer);
  enablePrimitives({ f32: { ...F32, f32Struct: spy }, f32le: { ...F32LE, f32Struct: spy } });
  return spy;
}

describe('closures engine: structs of f32 fields', () => {
  it('f32 and f32le bring the all-f32 struct writer', () => {
    expect(F32.f32Struct).toBe(unrolledF32Writer);
    expect(F32LE.f32Struct).toBe(unrolledF32Writer);
  });

  it('a struct of f32 and f32le fields is written by it, and round-trips', () => {
    const spy = spyOnF32Struct();
    const Sensor = withEngine(struct({ a: f32, b: f32le, c: f32, d: f32 }), 'closures');
    expect(spy).toHaveBeenCalled();
    expect(spy.mock.calls[0][0]).toEqual(['a', 'b', 'c', 'd']);
    expect(spy.mock.calls[0][1]).toEqual([false, true, false, false]);
    const value = { a: 1.5, b: -2.25, c: 0, d: 1024 };
    expect(Sensor.decode(Sensor.encode(value))).toEqual(value);
    expect(() => Sensor.encode({ ...value, c: 1e39 })).toThrow(
      expect.objectContaining({ code: 'out-of-range', path: 'c' }),
    );
  });

  it('a struct with any other field is not', () => {
    const spy = spyOnF32Struct();
    withEngine(struct({ a: f32, n: u32 }), 'closures');
    expect(spy).not.toHaveBeenCalled();
  });
});
