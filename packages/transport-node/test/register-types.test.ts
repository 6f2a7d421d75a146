// Register of @bp/session, as an application uses it: type-tests/register/ declares its principal
// and connection data types and is compiled on its own (a declaration holds for a whole program,
// so it cannot share the package's type check). Its `@ts-expect-error` lines are the misuses the
// declaration must catch: tsc fails on one that no longer errs as much as on a new error.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const project = fileURLToPath(new URL('../type-tests/register/tsconfig.json', import.meta.url));

test('a declared principal and connection data type reach handlers, interceptors and authenticate', () => {
  let output = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  } catch (error) {
    output = (error as { stdout: string }).stdout;
  }
  expect(output).toBe('');
}, 60_000);

test('the README shows the declaration that program makes', () => {
  const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');
  const declaration = /declare module '@bp\/session' \{\n[\s\S]*?\n\}\n/.exec(
    read('../type-tests/register/server.ts'),
  );
  expect(declaration).not.toBeNull();
  expect(read('../README.md')).toContain(declaration![0]);
});
