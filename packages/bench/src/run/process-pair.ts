import type { MemoryReading } from '../child/ipc.js';
import type { ClientMeasurement } from '../child/measurement.js';
import type { ResourceSample, ResourceWindow } from '../child/resource-monitor.js';
import { type CaseSpec, caseTimeoutMs } from '../scenarios/case-spec.js';
import { BenchChild } from './child-process.js';
import type { Placement } from './placement.js';

/** What one case measured on one process pair. */
export interface PairCaseResult {
  measurement: ClientMeasurement;
  server: ResourceWindow;
  /** Idle benchmark: server memory before and after the idle connections were opened. */
  serverMemory?: Record<string, MemoryReading>;
}

/** What one server/client process pair produced: per case its result, or why it failed. */
export interface PairOutcome {
  cases: (PairCaseResult | { error: string })[];
  serverTimeline: ResourceSample[];
  clientTimeline: ResourceSample[];
}

/** Upper bound on one pair's run: every case's own bound, and time to start. */
export function pairTimeoutMs(cases: CaseSpec[]): number {
  return 30_000 + cases.reduce((sum, c) => sum + caseTimeoutMs(c), 0);
}

/**
 * Runs cases on one alternative with the server and the client in separate processes, placed
 * on their CPUs: starts the server, starts the client with its port, relays the measured
 * windows and memory checkpoints between them, and stops both, whatever happens.
 */
export async function runPair(
  competitor: string,
  cases: CaseSpec[],
  placement: Placement,
  onCaseDone: (caseIndex: number) => void = () => {},
): Promise<PairOutcome> {
  const timeoutMs = pairTimeoutMs(cases);
  const server = new BenchChild({ role: 'server', competitor }, placement.serverCpu, ['--expose-gc']);
  let client: BenchChild | undefined;
  try {
    const { port } = await server.next('ready', 30_000);
    client = new BenchChild({ role: 'client', competitor, port, cases }, placement.clientCpu);
    const windows = new Map<number, Promise<ResourceWindow>>();
    const memory = new Map<number, Record<string, MemoryReading>>();
    const theClient = client;
    theClient.onMessage((message) => {
      if (message.type === 'window-begin') {
        server.send({ type: 'begin', caseIndex: message.caseIndex });
      } else if (message.type === 'window-end') {
        const caseIndex = message.caseIndex;
        const resources = server
          .next('window', 30_000, (m) => m.caseIndex === caseIndex)
          .then((m) => m.resources);
        // Awaited below unless the pair fails first; an unawaited rejection must not end the harness.
        resources.catch(() => {});
        windows.set(caseIndex, resources);
        server.send({ type: 'end', caseIndex });
      } else if (message.type === 'checkpoint') {
        const name = message.name;
        const [caseText = '', label = name] = name.split('/');
        const caseIndex = Number(caseText);
        server
          .next('memory', 30_000, (m) => m.name === name)
          .then((m) => {
            const readings = memory.get(caseIndex) ?? {};
            readings[label] = m.reading;
            memory.set(caseIndex, readings);
            theClient.send({ type: 'checkpoint-done', name });
          })
          .catch(() => {});
        server.send({ type: 'memory', name });
      } else if (message.type === 'case-result' || message.type === 'case-error') {
        onCaseDone(message.caseIndex);
      }
    });
    const done = await client.next('done', timeoutMs);
    // Every case's message came before 'done' (the channel keeps order).
    const results: PairOutcome['cases'] = [];
    for (let i = 0; i < cases.length; i++) {
      const failed = client.received('case-error', (m) => m.caseIndex === i);
      if (failed) {
        results.push({ error: failed.message });
        continue;
      }
      const result = await client.next('case-result', 1000, (m) => m.caseIndex === i);
      const serverWindow = await (windows.get(i) ??
        Promise.reject(new Error(`no server window for case ${i}`)));
      results.push({ measurement: result.measurement, server: serverWindow, serverMemory: memory.get(i) });
    }
    server.send({ type: 'stop' });
    const stopped = await server.next('stopped', 10_000).catch(() => undefined);
    await Promise.all([server.exited(2000), client.exited(2000)]);
    return { cases: results, serverTimeline: stopped?.timeline ?? [], clientTimeline: done.timeline };
  } finally {
    server.kill();
    client?.kill();
  }
}
