import { type ChildProcess, spawn } from 'node:child_process';
import type { ChildConfig, ChildMessage, ParentMessage } from '../child/ipc.js';
import { encodeChildConfig } from '../child/ipc.js';
import { pinnedCommand } from './placement.js';

const live = new Set<ChildProcess>();
let hooked = false;

/** Kills every child still running (on exit, on Ctrl-C, on a failed run). */
export function killAllChildren(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAllChildren();
      process.exit(130);
    });
  }
}

/** The script children run: this CLI itself, with the hidden `__child` command. */
export function selfScript(): string {
  const script = process.argv[1];
  if (script === undefined) throw new Error('cannot find the bp-bench script to start child processes from');
  return script;
}

/**
 * A benchmark child process on the IPC channel: messages arrive in order, `next` waits for one
 * that matches, and the process is killed when the harness is done with it or exits.
 */
export class BenchChild {
  private readonly process: ChildProcess;
  private readonly queue: ChildMessage[] = [];
  private listeners: ((message: ChildMessage) => void)[] = [];
  private exitError: Error | undefined;
  private output = '';

  constructor(config: ChildConfig, cpu: number | null, nodeOptions: string[] = []) {
    hookExit();
    const [command, args] = pinnedCommand(cpu, [
      ...nodeOptions,
      selfScript(),
      '__child',
      encodeChildConfig(config),
    ]);
    this.process = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    live.add(this.process);
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-4000);
    };
    this.process.stdout?.on('data', keep);
    this.process.stderr?.on('data', keep);
    this.process.on('message', (message: ChildMessage) => {
      if (message.type === 'error') this.fail(new Error(`${config.role} process failed: ${message.message}`));
      this.queue.push(message);
      for (const listener of this.listeners) listener(message);
    });
    this.process.on('exit', (code, signal) => {
      live.delete(this.process);
      this.fail(new Error(`${config.role} process exited (${signal ?? `code ${code}`})${this.tail()}`));
    });
    this.process.on('error', (error) => this.fail(error));
  }

  /** Sends a message if the child is still there. */
  send(message: ParentMessage): void {
    if (this.process.connected) this.process.send(message);
  }

  /** Calls `listener` for every message from now on (and for those already queued). */
  onMessage(listener: (message: ChildMessage) => void): void {
    for (const message of this.queue) listener(message);
    this.listeners.push(listener);
  }

  /** The first message of `type` received so far, if any. */
  received<T extends ChildMessage['type']>(
    type: T,
    match: (message: Extract<ChildMessage, { type: T }>) => boolean = () => true,
  ): Extract<ChildMessage, { type: T }> | undefined {
    return this.queue.find((m) => m.type === type && match(m as Extract<ChildMessage, { type: T }>)) as
      | Extract<ChildMessage, { type: T }>
      | undefined;
  }

  /** Waits for the first message of `type` (already received or yet to come). */
  next<T extends ChildMessage['type']>(
    type: T,
    timeoutMs: number,
    match: (message: Extract<ChildMessage, { type: T }>) => boolean = () => true,
  ): Promise<Extract<ChildMessage, { type: T }>> {
    const found = this.received(type, match);
    if (found) return Promise.resolve(found);
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for "${type}"${this.tail()}`));
      }, timeoutMs);
      const listener = (message: ChildMessage) => {
        if (message.type === type && match(message as Extract<ChildMessage, { type: T }>)) {
          cleanup();
          resolve(message as Extract<ChildMessage, { type: T }>);
        }
      };
      const onFail = (error: Error) => {
        cleanup();
        reject(error);
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        this.failListeners = this.failListeners.filter((l) => l !== onFail);
      };
      this.listeners.push(listener);
      this.failListeners.push(onFail);
    });
  }

  /** Kills the process (idempotent). */
  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
    live.delete(this.process);
  }

  /** Resolves when the process has exited, killing it after `graceMs`. */
  async exited(graceMs: number): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.kill();
        resolve();
      }, graceMs);
      this.process.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private failListeners: ((error: Error) => void)[] = [];

  private fail(error: Error): void {
    this.exitError ??= error;
    for (const listener of this.failListeners) listener(this.exitError);
  }

  private tail(): string {
    const text = this.output.trim();
    return text === '' ? '' : `\n--- process output ---\n${text}`;
  }
}
