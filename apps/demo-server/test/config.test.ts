import { describe, expect, it } from 'vitest';
import { ConfigError, OPTIONS, parseConfig, usage } from '../src/server/config.js';

function config(argv: string[], env: Record<string, string> = {}) {
  const parsed = parseConfig(argv, env, '/work/here');
  if (parsed.help) throw new Error('unexpected help');
  return parsed.config;
}

describe('parseConfig', () => {
  it('has loopback defaults and a data folder under the working directory', () => {
    const c = config([]);
    expect(c).toMatchObject({
      host: '127.0.0.1',
      tcpPort: 7400,
      tlsPort: 7401,
      httpPort: 7402,
      wsPath: '/bp',
      dataDir: '/work/here/.bp-demo-data',
      token: undefined,
      memory: false,
      redisUrl: undefined,
      sensorRate: 10,
      logLevel: 'info',
      httpIdleTimeout: 10,
    });
  });

  it('takes every option from its environment variable, and a flag wins over it', () => {
    const env = {
      BP_HOST: '0.0.0.0',
      BP_TCP_PORT: '9000',
      BP_TLS_PORT: '9001',
      BP_HTTP_PORT: '9002',
      BP_WS_PATH: '/ws',
      BP_DATA_DIR: '/tmp/d',
      BP_TOKEN: 'env-token-123',
      BP_TLS_CERT: 'c.pem',
      BP_TLS_KEY: 'k.pem',
      BP_REDIS_URL: 'redis://127.0.0.1:6379',
      BP_SENSOR_RATE: '2.5',
      BP_LOG_LEVEL: 'warn',
      BP_DRAIN_TIMEOUT: '1',
      BP_HTTP_IDLE_TIMEOUT: '2.5',
    };
    expect(config([], env)).toMatchObject({
      host: '0.0.0.0',
      tcpPort: 9000,
      tlsPort: 9001,
      httpPort: 9002,
      wsPath: '/ws',
      dataDir: '/tmp/d',
      token: 'env-token-123',
      certFile: '/work/here/c.pem',
      keyFile: '/work/here/k.pem',
      redisUrl: 'redis://127.0.0.1:6379',
      sensorRate: 2.5,
      logLevel: 'warn',
      drainTimeout: 1,
      httpIdleTimeout: 2.5,
    });
    expect(config(['--tcp-port', '1234', '--token', 'flag-token-1'], env)).toMatchObject({
      tcpPort: 1234,
      token: 'flag-token-1',
    });
    expect(config([], { BP_MEMORY: '1' }).memory).toBe(true);
    expect(config(['--memory']).memory).toBe(true);
  });

  it('documents an environment variable for every option', () => {
    const text = usage();
    for (const spec of OPTIONS) {
      expect(text).toContain(`--${spec.flag}`);
      expect(text).toContain(spec.env);
    }
    expect(new Set(OPTIONS.map((o) => o.env)).size).toBe(OPTIONS.length);
  });

  it('refuses bad values with a ConfigError', () => {
    const bad: Array<[string[], Record<string, string>]> = [
      [['--tcp-port', '70000'], {}],
      [['--tcp-port', 'x'], {}],
      [['--http-idle-timeout', '0'], {}],
      [[], { BP_TLS_PORT: '-1' }],
      [['--cert', 'c.pem'], {}],
      [['--redis', 'http://x'], {}],
      [['--memory', '--redis', 'redis://x'], {}],
      [['--token', 'short'], {}],
      [['--log-level', 'loud'], {}],
      [['--sensor-rate', '-2'], {}],
      [['--unknown'], {}],
      [['--ws-path', 'bp'], {}],
      [[], { BP_MEMORY: 'perhaps' }],
    ];
    for (const [argv, env] of bad) expect(() => config(argv, env), argv.join(' ')).toThrow(ConfigError);
  });

  it('answers --help', () => {
    expect(parseConfig(['--help'], {})).toEqual({ help: true });
  });
});
