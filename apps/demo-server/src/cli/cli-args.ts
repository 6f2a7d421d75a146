import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** Where and how the CLI connects. */
export interface ConnectionOptions {
  host: string;
  port: number;
  tls: boolean;
  /** PEM file of the CA (or self-signed certificate) to trust for --tls. */
  caFile: string | undefined;
  /** Skip certificate verification (development only). */
  insecure: boolean;
  token: string | undefined;
  dataDir: string;
  json: boolean;
  /** Seconds to wait for the connection and each answer. */
  timeout: number;
}

/** One command of `bp-demo`, parsed. */
export type CliCommand =
  | { name: 'kv set'; key: string; value: string }
  | { name: 'kv get'; key: string }
  | { name: 'kv del'; key: string }
  | { name: 'kv list'; prefix: string; limit: number }
  | { name: 'kv watch'; key: string; prefix: boolean; count: number | undefined }
  | { name: 'sensors watch'; status: boolean; count: number | undefined }
  | { name: 'sensors publish'; values: [number, number, number, number]; source: string }
  | { name: 'echo'; message: string };

/** What `parseCli` returns: help text to print, or a command to run. */
export type ParsedCli =
  | { kind: 'help'; text: string }
  | { kind: 'command'; command: CliCommand; connection: ConnectionOptions };

/** A command line the CLI cannot run; printed with the usage, exit status 2. */
export class UsageError extends Error {
  readonly code = 'usage';
  override readonly name = 'UsageError';
}

export const CLI_USAGE = `Usage: bp-demo <command> [arguments] [options]

Commands:
  kv set <key> <value>          store a value (acknowledged once durable)
  kv get <key>                  print a value (exit status 1 when the key does not exist)
  kv del <key>                  delete a key
  kv list [prefix] [--limit N]  keys starting with prefix, in order (default limit 100)
  kv watch <key> [--prefix]     print the value, then every change (Ctrl-C to stop)
  sensors watch [--status]      print live sensor readings (and STATUS events)
  sensors publish <s1> <s2> <s3> <s4> [--source NAME]
                                publish a reading to every subscriber
  echo <message>                the server sends the message back; prints the round trip

Options:
  --host <host>       server address (BP_HOST, default 127.0.0.1)
  --port <port>       server port (BP_PORT, default 7400, or 7401 with --tls)
  --tls               connect with TLS; trusts --ca, else the demo's development certificate
  --ca <file>         PEM certificate(s) to trust for --tls (BP_CA)
  --insecure          with --tls: do not verify the certificate (development only)
  --token <token>     access token (BP_TOKEN, default: the token file in the data folder)
  --data-dir <dir>    the server's data folder, for the token and certificate (BP_DATA_DIR,
                      default .bp-demo-data)
  --json              machine-readable output: one JSON object per line
  --count <n>         watch commands: stop after n events
  --timeout <s>       seconds to wait for the server (default 10)
  --help              this text`;

/** Parses `bp-demo` arguments; flags win over environment variables. */
export function parseCli(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string = process.cwd(),
): ParsedCli {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true || positionals.length === 0) return { kind: 'help', text: CLI_USAGE };

  const tls = values.tls === true;
  const portText = values.port ?? env.BP_PORT;
  const port = portText === undefined || portText === '' ? (tls ? 7401 : 7400) : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`--port: not a port: ${portText}`);
  const timeout = values.timeout === undefined ? 10 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new UsageError(`--timeout: not a positive number: ${values.timeout}`);
  const dataDir = resolve(cwd, values['data-dir'] ?? nonEmpty(env.BP_DATA_DIR) ?? '.bp-demo-data');
  const caText = values.ca ?? nonEmpty(env.BP_CA);
  const connection: ConnectionOptions = {
    host: values.host ?? nonEmpty(env.BP_HOST) ?? '127.0.0.1',
    port,
    tls,
    caFile: caText === undefined ? undefined : resolve(cwd, caText),
    insecure: values.insecure === true,
    token: values.token ?? nonEmpty(env.BP_TOKEN),
    dataDir,
    json: values.json === true,
    timeout,
  };
  const count = values.count === undefined ? undefined : positiveInt('--count', values.count);
  const [group, action, ...rest] = positionals;
  const command = toCommand(group!, action, rest, values, count);
  return { kind: 'command', command, connection };
}

/** The development certificate the server generates, trusted by `--tls` when no `--ca` is given. */
export function defaultCaFile(dataDir: string): string {
  return join(dataDir, 'dev-cert.pem');
}

/** Marks a negative number so parseArgs does not take `-1.5` for an option; removed after parsing. */
const NEGATIVE = '\u0000';

function parseOptions(argv: readonly string[]) {
  const result = parseArgs({
    args: argv.map((arg) => (/^-(\d|\.\d)/.test(arg) ? NEGATIVE + arg : arg)),
    allowPositionals: true,
    strict: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      tls: { type: 'boolean' },
      ca: { type: 'string' },
      insecure: { type: 'boolean' },
      token: { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      count: { type: 'string' },
      limit: { type: 'string' },
      prefix: { type: 'boolean' },
      status: { type: 'boolean' },
      source: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const restore = (text: string) => (text.startsWith(NEGATIVE) ? text.slice(1) : text);
  const values = Object.fromEntries(
    Object.entries(result.values).map(([k, v]) => [k, typeof v === 'string' ? restore(v) : v]),
  ) as typeof result.values;
  return { values, positionals: result.positionals.map(restore) };
}

function toCommand(
  group: string,
  action: string | undefined,
  rest: string[],
  values: ReturnType<typeof parseOptions>['values'],
  count: number | undefined,
): CliCommand {
  const args = (n: number, names: string): string[] => {
    if (rest.length !== n) throw new UsageError(`${group} ${action}: expected ${names}`);
    return rest;
  };
  if (group === 'echo') {
    const words = action === undefined ? [] : [action, ...rest];
    if (words.length === 0) throw new UsageError('echo: expected a message');
    return { name: 'echo', message: words.join(' ') };
  }
  if (group === 'kv') {
    switch (action) {
      case 'set': {
        const [key, value] = args(2, '<key> <value>');
        return { name: 'kv set', key: key!, value: value! };
      }
      case 'get':
        return { name: 'kv get', key: args(1, '<key>')[0]! };
      case 'del':
      case 'delete':
        return { name: 'kv del', key: args(1, '<key>')[0]! };
      case 'list': {
        if (rest.length > 1) throw new UsageError('kv list: expected at most one prefix');
        const limit = values.limit === undefined ? 100 : positiveInt('--limit', values.limit);
        return { name: 'kv list', prefix: rest[0] ?? '', limit };
      }
      case 'watch':
        return { name: 'kv watch', key: args(1, '<key>')[0]!, prefix: values.prefix === true, count };
      default:
        throw new UsageError(
          `kv: unknown command ${action ?? '(none)'}; expected set, get, del, list or watch`,
        );
    }
  }
  if (group === 'sensors') {
    switch (action) {
      case 'watch':
        args(0, 'no arguments');
        return { name: 'sensors watch', status: values.status === true, count };
      case 'publish': {
        const numbers = args(4, '<s1> <s2> <s3> <s4>').map((text) => {
          const n = Number(text);
          if (text.trim() === '' || !Number.isFinite(n))
            throw new UsageError(`sensors publish: not a number: ${text}`);
          return n;
        });
        return {
          name: 'sensors publish',
          values: numbers as [number, number, number, number],
          source: values.source ?? 'cli',
        };
      }
      default:
        throw new UsageError(`sensors: unknown command ${action ?? '(none)'}; expected watch or publish`);
    }
  }
  throw new UsageError(`unknown command ${group}; expected kv, sensors or echo`);
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1) throw new UsageError(`${flag}: expected a positive integer, got ${text}`);
  return n;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}
