/** `bp` itself: `--help` for every command, and clear errors for modules that are no protocol. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { COMMANDS } from '../src/commands.js';
import { runCli } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bp-cli-usage-'));
writeFileSync(join(dir, 'not-a-protocol.mjs'), 'export const answer = 42;\n');

async function bp(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runCli(argv, {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    stdin: async () => new Uint8Array(0),
    cwd: dir,
  });
  return { status, out, err };
}

test.each(COMMANDS.map((c) => c.name))('bp %s --help prints its usage and exits 0', async (name) => {
  const { status, out } = await bp(name, '--help');
  expect(status).toBe(0);
  expect(out).toMatch(new RegExp(`^Usage: bp ${name}`));
});

test('bp --help lists every command; an unknown command is a usage error', async () => {
  const { status, out } = await bp('--help');
  expect(status).toBe(0);
  for (const c of COMMANDS) expect(out).toContain(c.name);
  const unknown = await bp('sniff');
  expect(unknown.status).toBe(2);
  expect(unknown.err).toMatch(/unknown command "sniff"/);
});

test('a module without a ProtocolConfig, or a missing one, is named with what to do', async () => {
  for (const argv of [
    ['wireshark', './not-a-protocol.mjs', '--out', '-'],
    ['decode', '--protocol', './not-a-protocol.mjs', '--hex', '00'],
  ]) {
    const { status, err } = await bp(...argv);
    expect(status).toBe(1);
    expect(err).toMatch(/exports no Protocol or ProtocolConfig \(exports: answer\)/);
  }
  const missing = await bp('wireshark', './nope.mjs');
  expect(missing.status).toBe(1);
  expect(missing.err).toMatch(/nope\.mjs/);
});

test('a port out of range is a usage error that names the option', async () => {
  const sensor = fileURLToPath(new URL('../examples/sensor-protocol.mjs', import.meta.url));
  const badPort = await bp('wireshark', sensor, '--out', '-', '--binary-protocol-port', '70000');
  expect(badPort.status).toBe(2);
  expect(badPort.err).toMatch(/--binary-protocol-port "70000" is not a port/);
});

test('a Protocol (bp wire only) gets a dissector without the Python wire, and asking for that wire says why not', async () => {
  const codec = new URL('../../codec/dist/esm/index.js', import.meta.url).href;
  writeFileSync(
    join(dir, 'bp-only.mjs'),
    `import { Protocol, struct, u32 } from ${JSON.stringify(codec)};\n` +
      'export const protocol = new Protocol({ messageStructures: { 1: struct({ id: u32 }) } });\n',
  );
  const lua = await bp('wireshark', './bp-only.mjs', '--out', '-');
  expect(lua.status).toBe(0);
  expect(lua.out).toContain('Proto("bpwire"');
  expect(lua.out).not.toContain('bpy');
  for (const argv of [
    ['wireshark', './bp-only.mjs', '--out', '-', '--binary-protocol-port', '9000'],
    ['decode', '--protocol', './bp-only.mjs', '--binary-protocol', '--hex', '0001'],
  ]) {
    const { status, err } = await bp(...argv);
    expect(status).toBe(1);
    expect(err).toMatch(/needs a ProtocolConfig: this protocol is a Protocol/);
  }
  const schema = await bp('schema', 'export', './bp-only.mjs');
  expect(schema.status).toBe(0);
  expect(JSON.parse(schema.out).types[0]).toMatchObject({ type: 1 });
});

test('isProtocol (and its deprecated alias isProtocolConfig) knows a Protocol and a ProtocolConfig', async () => {
  const { Protocol, ProtocolConfig, struct, u32 } = await import('@bp/codec');
  const { isProtocol, isProtocolConfig } = await import('../src/index.js');
  const options = { messageStructures: { 1: struct({ id: u32 }) } };
  for (const is of [isProtocol, isProtocolConfig]) {
    expect(is(new Protocol(options))).toBe(true);
    expect(is(new ProtocolConfig(options))).toBe(true);
    for (const other of [undefined, null, 7, 'protocol', {}, struct({ id: u32 }), { describe() {} }]) {
      expect(is(other)).toBe(false);
    }
  }
});
