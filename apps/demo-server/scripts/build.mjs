#!/usr/bin/env node
// Builds the demo: the server and the CLI as Node ESM bundles (npm dependencies stay external,
// lmdb carries a native addon), and the dashboard as one browser bundle with its static files.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });

await esbuild.build({
  absWorkingDir: root,
  entryPoints: { main: 'src/main.ts', cli: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: [...Object.keys(pkg.dependencies ?? {}), 'node:*'],
  banner: { js: '#!/usr/bin/env node' },
  sourcemap: true,
  logLevel: 'warning',
});

await esbuild.build({
  absWorkingDir: root,
  entryPoints: { dashboard: 'src/dashboard/main.ts' },
  outdir: 'dist/dashboard',
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
mkdirSync(join(dist, 'dashboard'), { recursive: true });
for (const file of ['index.html', 'dashboard.css', 'favicon.svg']) {
  copyFileSync(join(root, 'src/dashboard', file), join(dist, 'dashboard', file));
}
console.log('built @bp/demo-server -> dist (main.js, cli.js, dashboard/)');
