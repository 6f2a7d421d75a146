// docs/errors.md is the one table of every error code of every package. This keeps it true: each
// code union or code table in the sources has a section there (found by its name in the heading)
// that lists exactly its codes. A new union, or a new code in one, fails here until documented.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const table = readFileSync(join(root, 'docs/errors.md'), 'utf8');

function sourceFiles(): string[] {
  const files: string[] = [];
  for (const group of ['packages', 'apps']) {
    for (const pkg of readdirSync(join(root, group))) {
      const src = join(root, group, pkg, 'src');
      let names: string[];
      try {
        names = readdirSync(src, { recursive: true, encoding: 'utf8' });
      } catch {
        continue;
      }
      for (const name of names) if (name.endsWith('.ts')) files.push(join(src, name));
    }
  }
  return files;
}

const withoutComments = (text: string): string =>
  text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

/** Every `export type ...Code/...Name = 'a' | 'b'` and `export const ...ErrorCode = { a: 1 }` in the sources. */
function codeUnions(): Map<string, string[]> {
  const unions = new Map<string, string[]>();
  for (const file of sourceFiles()) {
    const text = withoutComments(readFileSync(file, 'utf8'));
    for (const m of text.matchAll(/export type (\w*(?:ErrorCode|ErrorName))\s*=([^;]*);/g)) {
      const codes = [...m[2]!.matchAll(/'([^']+)'/g)].map((c) => c[1]!);
      if (codes.length > 0) unions.set(m[1]!, codes);
    }
    for (const m of text.matchAll(/export const (\w*ErrorCode)\s*=\s*\{([^}]*)\}/g)) {
      const codes = [...m[2]!.matchAll(/^\s*'?([a-z][a-z0-9-]*)'?\s*:/gm)].map((c) => c[1]!);
      unions.set(m[1]!, codes);
    }
  }
  return unions;
}

/** The codes in the table of the section whose heading names `union` in backticks. */
function documented(union: string): string[] | undefined {
  const sections = table.split(/^## /m).slice(1);
  const section = sections.find((s) => s.split('\n')[0]!.includes(`\`${union}\``));
  if (section === undefined) return undefined;
  return [...section.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]!);
}

test('the sources have the code unions the table is made of (the scan finds them)', () => {
  const unions = codeUnions();
  for (const name of ['DecodeErrorCode', 'ErrorCode', 'LocalErrorName', 'UsageErrorCode', 'DemoErrorCode'])
    expect(unions.has(name), name).toBe(true);
  expect(unions.get('ErrorCode')).toContain('schema-mismatch');
});

test('every error code in the sources is in docs/errors.md, and every code there exists', () => {
  for (const [union, codes] of codeUnions()) {
    const listed = documented(union);
    expect(listed, `docs/errors.md has no section naming \`${union}\``).toBeDefined();
    expect([...listed!].sort(), `codes of ${union}`).toEqual([...new Set(codes)].sort());
  }
});

test('the session README links the table', () => {
  const readme = readFileSync(join(root, 'packages/session/README.md'), 'utf8');
  expect(readme).toContain('docs/errors.md');
});
