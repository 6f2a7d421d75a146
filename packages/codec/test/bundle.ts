/** Bundles an entry point of the package with esbuild into a temporary folder, as a build would. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export interface Bundled<M> {
  esm: M;
  cjs: M;
  /** The ESM bundle's source text. */
  text: string;
  dispose(): void;
}

export async function bundle<M>(
  entry: 'index.ts' | 'index.node.ts' | 'index.interpreted.ts',
  platform: 'neutral' | 'browser' = 'neutral',
): Promise<Bundled<M>> {
  const dir = mkdtempSync(join(tmpdir(), 'bp-codec-bundle-'));
  const entryPoints = [join(import.meta.dirname, '../src', entry)];
  const common = { entryPoints, bundle: true, platform, logLevel: 'error' } as const;
  await build({ ...common, format: 'esm', outfile: join(dir, 'esm.mjs') });
  await build({ ...common, format: 'cjs', outfile: join(dir, 'cjs.cjs') });
  return {
    esm: await import(pathToFileURL(join(dir, 'esm.mjs')).href),
    cjs: createRequire(import.meta.url)(join(dir, 'cjs.cjs')),
    text: readFileSync(join(dir, 'esm.mjs'), 'utf8'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
