import { pathToFileURL } from 'node:url';
import { getHeapSpaceStatistics } from 'node:v8';
import { competitorEntry } from '../competitors/registry.js';
import type { BenchClient } from '../competitors/types.js';
import { type CaseSpec, caseTimeoutMs, maxConcurrencyOf } from '../scenarios/case-spec.js';
import {
  type ChildConfig,
  type ChildMessage,
  decodeChildConfig,
  type MemoryReading,
  type ParentMessage,
} from './ipc.js';
import type { ClientMeasurement } from './measurement.js';
import { ResourceMonitor } from './resource-monitor.js';
import { readIoBytes } from './wire-bytes.js';
import type { WindowHooks } from './workloads/hooks.js';
import { runIdle } from './workloads/idle.js';
import { runRealistic } from './workloads/realistic.js';
import { runRequestResponse } from './workloads/request-response.js';
import { runStream } from './workloads/stream.js';

function send(message: ChildMessage): void {
  process.send?.(message);
}

/**
 * Entry of a benchmark child process (server, client or codec). It talks to the harness over
 * the IPC channel only and exits when the harness goes away, so no child outlives a run.
 */
export async function runChild(encoded: string): Promise<void> {
  process.on('disconnect', () => process.exit(0));
  const config = decodeChildConfig(encoded);
  try {
    if (config.role === 'server') await runServer(config);
    else if (config.role === 'client') await runClient(config);
    else await runCodec(config);
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    setTimeout(() => process.exit(1), 100).unref();
  }
}

async function runServer(config: Extract<ChildConfig, { role: 'server' }>): Promise<void> {
  const monitor = new ResourceMonitor();
  monitor.start();
  const competitor = await competitorEntry(config.competitor).load();
  const server = await competitor.startServer();
  process.on('message', async (message: ParentMessage) => {
    if (message.type === 'begin') monitor.beginWindow();
    else if (message.type === 'end') {
      send({ type: 'window', caseIndex: message.caseIndex, resources: monitor.endWindow() });
    } else if (message.type === 'memory') {
      send({ type: 'memory', name: message.name, reading: await readMemory() });
    } else if (message.type === 'stop') {
      // A connection stuck in a failed case must not keep the figures of the others from the harness.
      await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      monitor.stop();
      send({ type: 'stopped', timeline: monitor.timeline() });
      process.disconnect?.();
      setTimeout(() => process.exit(0), 50).unref();
    }
  });
  send({ type: 'ready', port: server.port });
}

/** How long the heap gets to hand freed pages back to the OS between two readings of RSS. */
const SETTLE_MS = 100;
/** At most this many readings before RSS is taken as it is. */
const SETTLE_READINGS = 8;
/** A fall in RSS smaller than this (one V8 page) between readings counts as settled. */
const SETTLED_BYTES = 256 * 1024;

/** Memory after full collections, so garbage does not count as connection state. */
async function readMemory(): Promise<MemoryReading> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) gc?.();
  // V8 unmaps the pages a GC freed on a background thread: read RSS at once and a later reading
  // can be lower than an earlier one with more connections (a smoke run of 100 idle connections
  // came out at -24 KB each, twice: once at once, once after a fixed 100 ms on a busy CI machine,
  // where that thread waits for a CPU). Read until RSS stops falling.
  let rss = process.memoryUsage.rss();
  for (let i = 0; i < SETTLE_READINGS; i++) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    gc?.();
    const now = process.memoryUsage.rss();
    const fell = rss - now;
    rss = now;
    if (fell < SETTLED_BYTES) break;
  }
  const usage = process.memoryUsage();
  let youngGenerationBytes = 0;
  for (const space of getHeapSpaceStatistics())
    if (space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
      youngGenerationBytes += space.physical_space_size;
  return { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, youngGenerationBytes };
}

async function runClient(config: Extract<ChildConfig, { role: 'client' }>): Promise<void> {
  const monitor = new ResourceMonitor();
  monitor.start();
  const competitor = await competitorEntry(config.competitor).load();
  const waiting = new Map<string, () => void>();
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'checkpoint-done') {
      waiting.get(message.name)?.();
      waiting.delete(message.name);
    }
  });
  let shared: BenchClient | undefined;
  const settingsFor = (spec: CaseSpec) => ({
    port: config.port,
    maxConcurrency: Math.max(...config.cases.map(maxConcurrencyOf), maxConcurrencyOf(spec)),
  });
  for (let caseIndex = 0; caseIndex < config.cases.length; caseIndex++) {
    const spec = config.cases[caseIndex]!;
    let io0: number | undefined;
    const hooks: WindowHooks = {
      begin() {
        send({ type: 'window-begin', caseIndex });
        monitor.beginWindow();
        io0 = readIoBytes();
      },
      end() {
        const io1 = readIoBytes();
        const client = monitor.endWindow();
        send({ type: 'window-end', caseIndex });
        return { client, wireBytes: io0 !== undefined && io1 !== undefined ? io1 - io0 : undefined };
      },
      checkpoint: (name) =>
        new Promise<void>((resolve) => {
          // Case-scoped names: the harness matches replies by name, and cases reuse names.
          const scoped = `${caseIndex}/${name}`;
          waiting.set(scoped, resolve);
          send({ type: 'checkpoint', name: scoped });
        }),
    };
    const run = async (): Promise<ClientMeasurement> => {
      if (spec.kind === 'realistic') return runRealistic(competitor, settingsFor(spec), spec, hooks);
      if (spec.kind === 'idle') return runIdle(competitor, settingsFor(spec), spec, hooks);
      shared ??= await competitor.connect(settingsFor(spec));
      return spec.kind === 'stream'
        ? runStream(shared, spec, hooks)
        : runRequestResponse(shared, spec, hooks);
    };
    try {
      const measurement = await withTimeout(run(), caseTimeoutMs(spec), `${spec.id} did not finish`);
      send({ type: 'case-result', caseIndex, measurement });
    } catch (error) {
      send({
        type: 'case-error',
        caseIndex,
        message: error instanceof Error ? error.message : String(error),
      });
      // The connection may be stuck mid-case; closing it could hang too, so it is left behind.
      shared = undefined;
    }
  }
  await shared?.close();
  monitor.stop();
  send({ type: 'done', timeline: monitor.timeline() });
  process.disconnect?.();
}

/** Runs the codec package's own suite (packages/codec/bench/codec-suite.mjs) in this process. */
async function runCodec(config: Extract<ChildConfig, { role: 'codec' }>): Promise<void> {
  const suite = (await import(pathToFileURL(config.suite).href)) as {
    runCodecBench(options: Record<string, unknown>): Promise<unknown> | unknown;
  };
  const result = await suite.runCodecBench(config.options);
  send({ type: 'codec-result', result });
  process.disconnect?.();
}

/** Settles like `work`, or rejects after `ms` with `message`. */
function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
