import { bytes, f32, f64, ProtocolConfig, struct, u32 } from '@bp/codec';

/** Message types of the benchmark protocol. */
export enum BenchType {
  SENSOR = 1,
  SENSOR_REPLY = 2,
  FIXED_BENCHMARK = 3,
  FIXED_BENCHMARK_REPLY = 4,
  BLOB = 5,
  BLOB_REPLY = 6,
  SENSOR_STREAM = 7,
  FIXED_STREAM = 8,
  BLOB_STREAM = 9,
  REPORT = 10,
  REPORT_REPLY = 11,
  SUBSCRIBE = 12,
  PUSH = 13,
}

const sensor = struct({ x: f32, y: f32, z: f32, w: f32 });
const fixed = struct({ value: u32 });
const blob = struct({ seq: u32, data: bytes() });

/** Largest payload the benchmark sends (the variable sweep's 1 MiB and more, with room). */
export const BENCH_MAX_PAYLOAD = 64 * 1024 * 1024;

/**
 * The benchmark's messages described once with @bp/codec: the SENSOR structure (4 x f32), the
 * 4-byte FIXED_BENCHMARK structure, variable-size blobs, and the control messages of the
 * harness (stream report, push subscription).
 */
export const benchProtocol = new ProtocolConfig({
  messageTypeEnum: BenchType,
  maxPayloadSize: BENCH_MAX_PAYLOAD,
  messageStructures: {
    [BenchType.SENSOR]: sensor,
    [BenchType.SENSOR_REPLY]: sensor,
    [BenchType.FIXED_BENCHMARK]: fixed,
    [BenchType.FIXED_BENCHMARK_REPLY]: fixed,
    [BenchType.BLOB]: blob,
    [BenchType.BLOB_REPLY]: blob,
    [BenchType.SENSOR_STREAM]: sensor,
    [BenchType.FIXED_STREAM]: fixed,
    [BenchType.BLOB_STREAM]: blob,
    [BenchType.REPORT]: struct({ stream: u32 }),
    [BenchType.REPORT_REPLY]: struct({ received: u32, errors: u32, bytes: f64 }),
    [BenchType.SUBSCRIBE]: struct({ intervalMs: u32, size: u32, count: u32 }),
    [BenchType.PUSH]: blob,
  },
  responses: {
    [BenchType.SENSOR]: BenchType.SENSOR_REPLY,
    [BenchType.FIXED_BENCHMARK]: BenchType.FIXED_BENCHMARK_REPLY,
    [BenchType.BLOB]: BenchType.BLOB_REPLY,
    [BenchType.REPORT]: BenchType.REPORT_REPLY,
  },
});

/** The benchmark protocol's type. */
export type BenchProtocol = typeof benchProtocol;
