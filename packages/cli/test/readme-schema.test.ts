/**
 * The README's `bp schema` upgrade walkthrough, run as written: its command block in bash (with
 * `bp` the built CLI) in a scratch directory holding the examples; the output must be the text
 * the README shows.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCompatibility, type ProtocolDescriptor } from '@bp/codec';
import { expect, test } from 'vitest';
import { protocol as v1 } from '../examples/protocol-v1.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const bin = join(root, 'dist/esm/bin.js');

/** The two fenced blocks after `<!-- walkthrough:NAME -->`: the commands and what they print. */
function blocks(name: string): [string, string] {
  const at = readme.indexOf(`<!-- walkthrough:${name} -->`);
  if (at < 0) throw new Error(`README has no walkthrough:${name} marker`);
  const fences = [...readme.slice(at).matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]);
  return [fences[0], fences[1]];
}

test('the schema upgrade walkthrough works as written and prints what the README shows', () => {
  expect(existsSync(bin), `${bin} is missing: build the package first (pnpm turbo run build)`).toBe(true);
  const [commands, shown] = blocks('schema-upgrade');
  const dir = mkdtempSync(join(tmpdir(), 'bp-cli-readme-schema-'));
  try {
    cpSync(join(root, 'examples'), join(dir, 'examples'), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    const out = execFileSync(
      'bash',
      ['-c', `set -e\nbp() { node ${JSON.stringify(bin)} "$@"; }\n${commands}`],
      {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      },
    );
    expect(out).toBe(shown);
    // The exported file is release 1's schema, and it is what the check compared with.
    const exported = JSON.parse(readFileSync(join(dir, 'schema-v1.json'), 'utf8')) as ProtocolDescriptor;
    expect(exported).toEqual(JSON.parse(JSON.stringify(v1.describe())));
    expect(checkCompatibility(exported, v1).compatible).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
