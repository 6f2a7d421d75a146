import { describe, expect, it } from 'vitest';
import { parseByteSize, parseCommand } from '../src/options.js';

const run = (argv: string[]) => {
  const command = parseCommand(argv, new Date('2026-02-03T04:05:06Z'));
  if (command.command !== 'run') throw new Error(`expected a run, got ${command.command}`);
  return command.options;
};

describe('parseCommand', () => {
  it('runs every benchmark by default and with --all, and accepts pnpm\'s "--"', () => {
    expect(run([]).benchmarks).toEqual(['fixed', 'variable', 'realistic', 'idle', 'codec']);
    expect(run(['--', '--all']).benchmarks).toEqual(['fixed', 'variable', 'realistic', 'idle', 'codec']);
    expect(run(['--variable', '--fixed']).benchmarks).toEqual(['fixed', 'variable']);
  });

  it('has full defaults and shorter --quick ones', () => {
    const full = run([]);
    expect(full).toMatchObject({
      durationMs: 2000,
      warmupMs: 500,
      repetitions: 3,
      messages: 1_000_000,
      clients: 50,
    });
    expect(full.sizes).toEqual([16, 256, 4096, 65_536, 1_048_576]);
    expect(full.out).toBe('bench-results/2026-02-03_04-05-06');
    const quick = run(['--quick']);
    expect(quick.repetitions).toBe(1);
    expect(quick.durationMs).toBeLessThan(full.durationMs);
    expect(run(['--quick', '-r', '2']).repetitions).toBe(2);
  });

  it('picks competitors from --transports and --compare', () => {
    expect(run([]).competitors).toEqual([
      'bp-tcp',
      'bp-tls',
      'bp-ws',
      'bp-binary-protocol',
      'raw-tcp',
      'raw-tls',
      'http-json',
      'ws-json',
      'ws-msgpackr',
      'socket-io',
      'grpc',
    ]);
    expect(run(['--transports', 'tcp', '--compare', 'none']).competitors).toEqual([
      'bp-tcp',
      'bp-binary-protocol',
      'raw-tcp',
    ]);
    expect(run(['--transports', 'ws', '--compare', 'grpc']).competitors).toEqual(['bp-ws', 'grpc']);
    expect(() => run(['--transports', 'udp'])).toThrow(/unknown "udp"/);
    expect(() => run(['--compare', 'rest'])).toThrow(/unknown "rest"/);
  });

  it('reads sizes, durations and the realistic settings', () => {
    const o = run([
      '--sizes',
      '16,1KiB,2MiB',
      '--duration',
      '1.5',
      '--mix',
      '3,1',
      '--size-distribution',
      'uniform:1:9',
    ]);
    expect(o.sizes).toEqual([16, 1024, 2 * 1024 * 1024]);
    expect(o.durationMs).toBe(1500);
    expect(o.mix).toEqual({ request: 3, send: 1 });
    expect(o.sizeDistribution).toBe('uniform:1:9');
    expect(() => run(['--duration', '-1'])).toThrow(/--duration/);
    expect(() => run(['--size-distribution', 'nope:1'])).toThrow(/unknown kind/);
    expect(() => run(['--push-fraction', '2'])).toThrow(/push-fraction/);
  });

  it('knows help and compare', () => {
    expect(parseCommand(['--help'])).toEqual({ command: 'help' });
    expect(parseCommand(['compare', 'a.json', 'b.json', '--out', 'x.md'])).toEqual({
      command: 'compare',
      a: 'a.json',
      b: 'b.json',
      out: 'x.md',
      json: false,
    });
    expect(() => parseCommand(['compare', 'a.json'])).toThrow(/two result files/);
    expect(parseCommand(['report', 'r.json'])).toEqual({ command: 'report', file: 'r.json', out: undefined });
    expect(parseCommand(['summary', 'r.json', '--images', 'img'])).toEqual({
      command: 'summary',
      file: 'r.json',
      out: undefined,
      images: 'img',
    });
    expect(() => parseCommand(['--bogus'])).toThrow();
  });
});

describe('parseByteSize', () => {
  it('reads binary units', () => {
    expect(parseByteSize('16')).toBe(16);
    expect(parseByteSize('64KiB')).toBe(65_536);
    expect(parseByteSize('1MiB')).toBe(1_048_576);
    expect(parseByteSize('1.5k')).toBe(1536);
    expect(() => parseByteSize('lots')).toThrow(RangeError);
    expect(() => parseByteSize('0')).toThrow(RangeError);
  });
});
