/**
 * The README's capture walkthrough, run as written: its command block in bash (with `bp` the
 * built CLI and a free port instead of 7000), in a scratch directory holding the examples; the
 * output must match the text the README shows (packet numbers and the client's port aside).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const bin = join(root, 'dist/esm/bin.js');

/** The first fenced block after `<!-- walkthrough:NAME -->`, and the one after it. */
function blocks(name: string): [string, string | undefined] {
  const at = readme.indexOf(`<!-- walkthrough:${name} -->`);
  if (at < 0) throw new Error(`README has no walkthrough:${name} marker`);
  const fences = [...readme.slice(at).matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]);
  return [fences[0], fences[1]];
}

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bp-cli-readme-'));
  cpSync(join(root, 'examples'), join(dir, 'examples'), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function bash(script: string, cwd: string): string {
  return execFileSync('bash', ['-c', `bp() { node ${JSON.stringify(bin)} "$@"; }\n${script}`], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Packet numbers and ports vary from run to run. */
const normalized = (text: string) => text.replace(/#\d+ /g, '#N ').replace(/:\d+/g, ':PORT');

test('the README runs the built bp', () => {
  expect(existsSync(bin), `${bin} is missing: build the package first (pnpm turbo run build)`).toBe(true);
});

test('the capture walkthrough works as written and prints what the README shows', async () => {
  const [commands] = blocks('commands');
  const [tsharkShown] = blocks('tshark');
  const [decodeShown] = blocks('decode');
  const port = await freePort();
  const out = bash(commands.replace(/\\\n/g, ' ').replaceAll('7000', String(port)), scratch());
  // tshark: one line per matching packet, so how the client's frames were cut into segments
  // changes the lines but not the values.
  const values = (text: string) =>
    text
      .trim()
      .split(/[,\t\n]/)
      .sort();
  const tsharkLines = out.split('\n').filter((line) => /^[\d,]+\t/.test(line));
  expect(values(tsharkLines.join('\n'))).toEqual(values(tsharkShown));
  const decoded = out.slice(out.indexOf('#'));
  expect(normalized(decoded)).toBe(normalized(decodeShown));
}, 90_000);

test('the binary_protocol decode example prints what the README shows', () => {
  const [command, shown] = blocks('binary-protocol');
  expect(bash(command.replace(/\\\n/g, ' '), scratch())).toBe(shown);
});
