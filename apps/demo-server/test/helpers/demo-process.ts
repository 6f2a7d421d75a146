import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const MAIN = join(APP_ROOT, 'dist/main.js');
export const CLI = join(APP_ROOT, 'dist/cli.js');

/** A demo server running as its own process (the way `pnpm demo` runs it). */
export interface DemoProcess {
  child: ChildProcess;
  dataDir: string;
  token: string;
  tcpPort: number;
  tlsPort: number;
  httpPort: number;
  /** Everything the process wrote to stdout (the banner) and stderr (JSON logs). */
  stdout(): string;
  stderr(): string;
  /** SIGTERM, and waits for the exit; returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Temp folders made by {@link makeDataDir}, removed by {@link removeDataDirs}. */
const dataDirs: string[] = [];

export function makeDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bp-demo-test-'));
  dataDirs.push(dir);
  return dir;
}

export function removeDataDirs(): void {
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const running = new Set<DemoProcess>();

/**
 * Starts `node dist/main.js` on free ports (port 0) and resolves when its 'listening' log line
 * appears. `args` are extra flags; the token is fixed unless given.
 */
export async function startDemoProcess(
  options: {
    dataDir?: string;
    token?: string;
    args?: string[];
    env?: Record<string, string>;
    /** Soft and hard limit of open files of the server process (`ulimit -n`), for exhaustion tests. */
    openFiles?: number;
  } = {},
): Promise<DemoProcess> {
  const dataDir = options.dataDir ?? makeDataDir();
  const token = options.token ?? 'test-token-0123456789';
  // With openFiles, a shell lowers the limit and execs node in its place (same pid).
  const [command, prefix] =
    options.openFiles === undefined
      ? [process.execPath, []]
      : ['/bin/sh', ['-c', `ulimit -n ${Math.floor(options.openFiles)} && exec "$0" "$@"`, process.execPath]];
  const child = spawn(
    command,
    [
      ...prefix,
      MAIN,
      '--tcp-port',
      '0',
      '--tls-port',
      '0',
      '--http-port',
      '0',
      '--data-dir',
      dataDir,
      ...(options.args ?? []),
    ],
    {
      cwd: APP_ROOT,
      env: { ...process.env, BP_TOKEN: token, BP_LOG_LEVEL: 'info', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`demo server did not start in 20 s\nstdout:\n${out}\nstderr:\n${err}`));
    }, 20_000);
    // Ready when the 'listening' log line is out and the banner is complete.
    const check = () => {
      if (!out.includes('Ctrl-C stops the server')) return;
      for (const line of err.split('\n')) {
        if (!line.includes('"listening"')) continue;
        clearTimeout(timer);
        child.stderr!.off('data', check);
        child.stdout!.off('data', check);
        resolve(JSON.parse(line));
        return;
      }
    };
    child.stderr!.on('data', check);
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo server exited with ${code}\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
  const port = (url: unknown) => Number(new URL(String(url)).port);
  const demo: DemoProcess = {
    child,
    dataDir,
    token,
    tcpPort: port(listening.tcp),
    tlsPort: port(listening.tls),
    httpPort: port(listening.http),
    stdout: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      running.delete(demo);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return child.exitCode;
    },
  };
  running.add(demo);
  return demo;
}

/** Stops every demo process still running (for afterAll). */
export async function stopAllDemoProcesses(): Promise<void> {
  await Promise.all([...running].map((demo) => demo.stop('SIGKILL')));
}

/** Runs `bp-demo` (dist/cli.js) to completion and returns its exit status and output. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: APP_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bp-demo ${args.join(' ')} did not finish in 20 s\n${stdout}\n${stderr}`));
    }, 20_000);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
