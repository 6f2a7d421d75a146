import type { CaseSpec } from '../scenarios/case-spec.js';
import type { ClientMeasurement } from './measurement.js';
import type { ResourceSample, ResourceWindow } from './resource-monitor.js';

/** How a child process is told what to be (passed base64-encoded JSON on its command line). */
export type ChildConfig =
  | { role: 'server'; competitor: string }
  | { role: 'client'; competitor: string; port: number; cases: CaseSpec[] }
  | { role: 'codec'; suite: string; options: Record<string, unknown> };

/** Server memory at an idle-benchmark checkpoint. */
export interface MemoryReading {
  rssBytes: number;
  heapUsedBytes: number;
  /**
   * Pages V8's young generation holds. After full collections it keeps nothing alive, and V8 sizes
   * it by the recent allocation rate (1 to 16 MB a semispace), so it is not memory a connection
   * keeps; the per-connection RSS leaves its change out. Absent in results from before 2026-12-03.
   */
  youngGenerationBytes?: number;
}

/** Messages from a child process to the harness. */
export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'window-begin'; caseIndex: number }
  | { type: 'window-end'; caseIndex: number }
  | { type: 'window'; caseIndex: number; resources: ResourceWindow }
  | { type: 'checkpoint'; name: string }
  | { type: 'memory'; name: string; reading: MemoryReading }
  | { type: 'case-result'; caseIndex: number; measurement: ClientMeasurement }
  | { type: 'case-error'; caseIndex: number; message: string }
  | { type: 'done'; timeline: ResourceSample[] }
  | { type: 'stopped'; timeline: ResourceSample[] }
  | { type: 'codec-result'; result: unknown }
  | { type: 'error'; message: string };

/** Messages from the harness to a child process. */
export type ParentMessage =
  | { type: 'begin'; caseIndex: number }
  | { type: 'end'; caseIndex: number }
  | { type: 'memory'; name: string }
  | { type: 'checkpoint-done'; name: string }
  | { type: 'stop' };

/** Encodes a child's configuration for its command line. */
export function encodeChildConfig(config: ChildConfig): string {
  return Buffer.from(JSON.stringify(config)).toString('base64url');
}

/** The inverse of encodeChildConfig. */
export function decodeChildConfig(text: string): ChildConfig {
  return JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ChildConfig;
}
