import { describe, expect, it } from 'vitest';
import { CLI_USAGE, parseCli, UsageError } from '../src/cli/cli-args.js';

const parse = (argv: string[], env: Record<string, string> = {}) => {
  const parsed = parseCli(argv, env, '/home/me');
  if (parsed.kind !== 'command') throw new Error('expected a command');
  return parsed;
};

describe('parseCli', () => {
  it('parses every command', () => {
    expect(parse(['kv', 'set', 'a', 'hello world']).command).toEqual({
      name: 'kv set',
      key: 'a',
      value: 'hello world',
    });
    expect(parse(['kv', 'get', 'a']).command).toEqual({ name: 'kv get', key: 'a' });
    expect(parse(['kv', 'del', 'a']).command).toEqual({ name: 'kv del', key: 'a' });
    expect(parse(['kv', 'list']).command).toEqual({ name: 'kv list', prefix: '', limit: 100 });
    expect(parse(['kv', 'list', 'user:', '--limit', '5']).command).toEqual({
      name: 'kv list',
      prefix: 'user:',
      limit: 5,
    });
    expect(parse(['kv', 'watch', 'a', '--count', '2']).command).toEqual({
      name: 'kv watch',
      key: 'a',
      prefix: false,
      count: 2,
    });
    expect(parse(['kv', 'watch', 'user:', '--prefix']).command).toMatchObject({
      prefix: true,
      count: undefined,
    });
    expect(parse(['sensors', 'watch', '--status']).command).toEqual({
      name: 'sensors watch',
      status: true,
      count: undefined,
    });
    expect(parse(['sensors', 'publish', '1', '-2.5', '3e2', '.5', '--source', 'probe']).command).toEqual({
      name: 'sensors publish',
      values: [1, -2.5, 300, 0.5],
      source: 'probe',
    });
    expect(parse(['echo', 'hello', 'there']).command).toEqual({ name: 'echo', message: 'hello there' });
  });

  it('connects to 127.0.0.1:7400 by default, 7401 with --tls, and reads the environment', () => {
    expect(parse(['echo', 'x']).connection).toMatchObject({
      host: '127.0.0.1',
      port: 7400,
      tls: false,
      token: undefined,
      dataDir: '/home/me/.bp-demo-data',
      json: false,
    });
    expect(parse(['echo', 'x', '--tls']).connection.port).toBe(7401);
    expect(
      parse(['echo', 'x'], { BP_HOST: 'h', BP_PORT: '9', BP_TOKEN: 't', BP_DATA_DIR: '/d', BP_CA: 'ca.pem' })
        .connection,
    ).toMatchObject({ host: 'h', port: 9, token: 't', dataDir: '/d', caFile: '/home/me/ca.pem' });
    expect(
      parse(['echo', 'x', '--port', '1', '--token', 'flag'], { BP_PORT: '9', BP_TOKEN: 't' }).connection,
    ).toMatchObject({ port: 1, token: 'flag' });
  });

  it('returns the usage for --help and no arguments', () => {
    expect(parseCli(['--help'], {})).toEqual({ kind: 'help', text: CLI_USAGE });
    expect(parseCli([], {})).toEqual({ kind: 'help', text: CLI_USAGE });
  });

  it('refuses malformed command lines', () => {
    for (const argv of [
      ['kv'],
      ['kv', 'set', 'a'],
      ['kv', 'get'],
      ['kv', 'list', 'a', 'b'],
      ['kv', 'list', '--limit', '0'],
      ['sensors', 'publish', '1', '2', '3'],
      ['sensors', 'publish', '1', '2', '3', 'x'],
      ['sensors', 'dance'],
      ['echo'],
      ['nope'],
      ['echo', 'x', '--port', '99999'],
      ['echo', 'x', '--bogus'],
    ]) {
      expect(() => parseCli(argv, {}), argv.join(' ')).toThrow(UsageError);
    }
  });
});
