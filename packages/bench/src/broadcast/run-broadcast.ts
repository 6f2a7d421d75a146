import { type ChildProcess, fork } from 'node:child_process';
import type { TargetCheck } from '../results.js';
import { checkBroadcastTargets } from '../targets.js';
import { connectMembers } from './broadcast-clients.js';
import { BROADCAST_COMPETITORS, type BroadcastCompetitor } from './broadcast-protocol.js';

/** Options of the broadcast benchmark (`bp-bench broadcast`). */
export interface BroadcastOptions {
  /** Members in the room. Default 1000. */
  members: number;
  /** Messages broadcast per repetition. Default 2000. */
  messages: number;
  /** Repetitions per alternative (alternatives alternate, so the pairs share machine conditions). Default 3. */
  repetitions: number;
  /** A smoke run: numbers are printed but targets are not judged. */
  quick: boolean;
  /** The CLI script, started again as the server child (`__broadcast-server`). */
  script: string;
}

/** One alternative's figures: messages delivered per second, one per repetition. */
export interface BroadcastSamples {
  competitor: BroadcastCompetitor;
  msgsPerSec: number[];
}

export interface BroadcastRun {
  options: Omit<BroadcastOptions, 'script'>;
  results: BroadcastSamples[];
  targets: TargetCheck[];
}

/** How long one repetition may take before it counts as failed (a bound, not a measurement). */
const REPETITION_TIMEOUT_MS = 120_000;

class ServerChild {
  readonly #child: ChildProcess;
  readonly #waiting: Array<{ key: string; resolve: (value: any) => void }> = [];

  constructor(script: string, name: BroadcastCompetitor) {
    this.#child = fork(script, ['__broadcast-server', name], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (message: Record<string, unknown>) => {
      const index = this.#waiting.findIndex((w) => w.key in message);
      if (index >= 0) this.#waiting.splice(index, 1)[0]!.resolve(message);
    });
  }

  next<T>(key: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`broadcast server: no '${key}' in time`)),
        REPETITION_TIMEOUT_MS,
      );
      this.#waiting.push({
        key,
        resolve: (message: Record<string, unknown>) => {
          clearTimeout(timer);
          resolve(message[key] as T);
        },
      });
    });
  }

  send(command: Record<string, unknown>): void {
    this.#child.send(command);
  }

  kill(): void {
    this.#child.kill('SIGKILL');
  }
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + REPETITION_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`broadcast benchmark: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** One repetition of one alternative: server child, members here, `messages` broadcasts; delivered/s. */
async function repetition(name: BroadcastCompetitor, options: BroadcastOptions): Promise<number> {
  const server = new ServerChild(options.script, name);
  try {
    const port = await server.next<number>('port');
    const members = await connectMembers(name, port, options.members);
    try {
      for (;;) {
        server.send({ op: 'members' });
        if ((await server.next<number>('members')) >= options.members) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Warm-up (JIT, buffers), then the measured run.
      const warm = Math.max(1, Math.floor(options.messages / 10));
      server.send({ op: 'broadcast', count: warm });
      await waitFor(() => members.received >= warm * options.members, 'the warm-up');
      const base = members.received;
      const expected = options.messages * options.members;
      const started = process.hrtime.bigint();
      server.send({ op: 'broadcast', count: options.messages });
      await waitFor(() => members.received - base >= expected, `${expected} deliveries`);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      return expected / seconds;
    } finally {
      await members.close();
    }
  } finally {
    server.kill();
  }
}

/**
 * The broadcast benchmark: one 16-byte message to a room of `members`, messages delivered per
 * second (all members together, measured at the members), bp against socket.io and against ws +
 * msgpackr with a hand-written loop. Server in its own process; the members in this one.
 */
export async function runBroadcast(
  options: BroadcastOptions,
  log: (line: string) => void,
): Promise<BroadcastRun> {
  const results: BroadcastSamples[] = BROADCAST_COMPETITORS.map((competitor) => ({
    competitor,
    msgsPerSec: [],
  }));
  for (let r = 0; r < options.repetitions; r++) {
    // Rotated every repetition, so no alternative always runs first.
    for (let i = 0; i < results.length; i++) {
      const entry = results[(i + r) % results.length]!;
      const rate = await repetition(entry.competitor, options);
      entry.msgsPerSec.push(rate);
      log(
        `broadcast ${entry.competitor} repetition ${r + 1}: ${Math.round(rate).toLocaleString('en-US')} msgs/s`,
      );
    }
  }
  const { script: _script, ...shown } = options;
  return { options: shown, results, targets: checkBroadcastTargets(results, options.quick) };
}
