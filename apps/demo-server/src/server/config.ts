import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** Everything the demo server can be told; every field has a flag and an environment variable. */
export interface DemoConfig {
  host: string;
  /** bp over plain TCP. 0 picks a free port. */
  tcpPort: number;
  /** bp over TLS. 0 picks a free port. */
  tlsPort: number;
  /** HTTP: the dashboard page, /healthz, /metrics and bp over WebSocket (at {@link wsPath}). */
  httpPort: number;
  wsPath: string;
  dataDir: string;
  /** Undefined: read from the data folder, or generate and store one on first start. */
  token: string | undefined;
  /** PEM files of a real certificate; when both are absent a development certificate is used. */
  certFile: string | undefined;
  keyFile: string | undefined;
  /** Keep the KV store in memory instead of the durable one in the data folder. */
  memory: boolean;
  /** redis:// URL: KV store and fan-out on Redis, so several servers share one data set. */
  redisUrl: string | undefined;
  /** Readings per second from each simulated sensor source; 0 switches the simulator off. */
  sensorRate: number;
  logLevel: string;
  /** Seconds a shutdown waits for connections to drain before closing them. */
  drainTimeout: number;
  /** Seconds an HTTP socket may stay without a complete request or without traffic. */
  httpIdleTimeout: number;
}

/** One option: its flag, its environment variable, its default and the line `--help` prints. */
interface OptionSpec {
  flag: string;
  env: string;
  type: 'string' | 'boolean';
  default: string | undefined;
  help: string;
}

/** The table `--help` and the README are written from. */
export const OPTIONS: readonly OptionSpec[] = [
  {
    flag: 'host',
    env: 'BP_HOST',
    type: 'string',
    default: '127.0.0.1',
    help: 'address every listener binds',
  },
  { flag: 'tcp-port', env: 'BP_TCP_PORT', type: 'string', default: '7400', help: 'bp over TCP' },
  { flag: 'tls-port', env: 'BP_TLS_PORT', type: 'string', default: '7401', help: 'bp over TLS' },
  {
    flag: 'http-port',
    env: 'BP_HTTP_PORT',
    type: 'string',
    default: '7402',
    help: 'dashboard, /healthz, /metrics, bp over WebSocket',
  },
  {
    flag: 'ws-path',
    env: 'BP_WS_PATH',
    type: 'string',
    default: '/bp',
    help: 'WebSocket path on the HTTP port',
  },
  {
    flag: 'data-dir',
    env: 'BP_DATA_DIR',
    type: 'string',
    default: '.bp-demo-data',
    help: 'token, development certificate and the KV database',
  },
  {
    flag: 'token',
    env: 'BP_TOKEN',
    type: 'string',
    default: undefined,
    help: 'access token (default: generated on first start, kept in the data folder)',
  },
  {
    flag: 'cert',
    env: 'BP_TLS_CERT',
    type: 'string',
    default: undefined,
    help: 'PEM certificate (default: a development certificate in the data folder)',
  },
  { flag: 'key', env: 'BP_TLS_KEY', type: 'string', default: undefined, help: 'PEM private key for --cert' },
  {
    flag: 'memory',
    env: 'BP_MEMORY',
    type: 'boolean',
    default: undefined,
    help: 'keep the KV store in memory (lost on exit)',
  },
  {
    flag: 'redis',
    env: 'BP_REDIS_URL',
    type: 'string',
    default: undefined,
    help: 'redis://host:port: KV store and fan-out on Redis, shared by several servers',
  },
  {
    flag: 'sensor-rate',
    env: 'BP_SENSOR_RATE',
    type: 'string',
    default: '10',
    help: 'simulated readings per second (0: off)',
  },
  {
    flag: 'log-level',
    env: 'BP_LOG_LEVEL',
    type: 'string',
    default: 'info',
    help: 'pino level: trace debug info warn error fatal silent',
  },
  {
    flag: 'drain-timeout',
    env: 'BP_DRAIN_TIMEOUT',
    type: 'string',
    default: '5',
    help: 'seconds SIGINT/SIGTERM waits for connections to finish',
  },
  {
    flag: 'http-idle-timeout',
    env: 'BP_HTTP_IDLE_TIMEOUT',
    type: 'string',
    default: '10',
    help: 'seconds an HTTP socket may stay idle or without a complete request',
  },
];

/** A bad flag or environment value; `main` prints it with the usage and exits with status 2. */
export class ConfigError extends Error {
  readonly code = 'invalid-config';
  override readonly name = 'ConfigError';
}

/** What `parseConfig` returns: a config, or a request for the usage text. */
export type ParsedCommandLine = { help: true } | { help: false; config: DemoConfig };

/**
 * Reads the configuration: a flag wins over its environment variable, which wins over the
 * default. Relative paths are resolved against `cwd`.
 */
export function parseConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string = process.cwd(),
): ParsedCommandLine {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const spec of OPTIONS) options[spec.flag] = { type: spec.type };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (values.help === true) return { help: true };

  const pick = (flag: string): string | undefined => {
    const spec = OPTIONS.find((o) => o.flag === flag)!;
    const fromFlag = values[flag];
    if (typeof fromFlag === 'string') return fromFlag;
    if (fromFlag === true) return 'true';
    const fromEnv = env[spec.env];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    return spec.default;
  };
  const port = (flag: string): number => {
    const text = pick(flag)!;
    const n = Number(text);
    if (!/^\d+$/.test(text) || n > 65535) throw new ConfigError(`--${flag}: not a port number: ${text}`);
    return n;
  };
  const number = (flag: string, max: number): number => {
    const text = pick(flag)!;
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) {
      throw new ConfigError(`--${flag}: expected a number from 0 to ${max}, got ${text}`);
    }
    return n;
  };
  const positive = (flag: string, max: number): number => {
    const n = number(flag, max);
    if (n < 0.1) throw new ConfigError(`--${flag}: expected at least 0.1 seconds, got ${n}`);
    return n;
  };
  const flagBool = (flag: string): boolean => {
    const text = pick(flag);
    if (text === undefined) return false;
    if (/^(1|true|yes|on)$/i.test(text)) return true;
    if (/^(0|false|no|off)$/i.test(text)) return false;
    throw new ConfigError(`--${flag}: expected true or false, got ${text}`);
  };
  const path = (flag: string): string | undefined => {
    const text = pick(flag);
    return text === undefined ? undefined : resolve(cwd, text);
  };

  const certFile = path('cert');
  const keyFile = path('key');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError('--cert and --key go together');
  }
  const redisUrl = pick('redis');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError(`--redis: expected a redis:// or rediss:// URL, got ${redisUrl}`);
  }
  const memory = flagBool('memory');
  if (memory && redisUrl !== undefined) throw new ConfigError('--memory and --redis exclude each other');
  const wsPath = pick('ws-path')!;
  if (!wsPath.startsWith('/')) throw new ConfigError(`--ws-path must start with /: ${wsPath}`);
  const token = pick('token');
  if (token !== undefined && token.length < 8) throw new ConfigError('--token: use at least 8 characters');
  const logLevel = pick('log-level')!;
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel)) {
    throw new ConfigError(`--log-level: unknown level ${logLevel}`);
  }

  return {
    help: false,
    config: {
      host: pick('host')!,
      tcpPort: port('tcp-port'),
      tlsPort: port('tls-port'),
      httpPort: port('http-port'),
      wsPath,
      dataDir: path('data-dir')!,
      token,
      certFile,
      keyFile,
      memory,
      redisUrl,
      sensorRate: number('sensor-rate', 1000),
      logLevel,
      drainTimeout: number('drain-timeout', 600),
      httpIdleTimeout: positive('http-idle-timeout', 3600),
    },
  };
}

/** The `--help` text, generated from {@link OPTIONS} so it cannot drift. */
export function usage(): string {
  const lines = ['Usage: bp-demo-server [options]', '', 'Options (flag, environment variable, default):'];
  for (const spec of OPTIONS) {
    const flag = spec.type === 'boolean' ? `--${spec.flag}` : `--${spec.flag} <value>`;
    const def = spec.default === undefined ? '' : ` (default: ${spec.default})`;
    lines.push(`  ${flag.padEnd(24)} ${spec.env.padEnd(17)} ${spec.help}${def}`);
  }
  lines.push(`  ${'--help'.padEnd(24)} ${''.padEnd(17)} this text`);
  return lines.join('\n');
}
