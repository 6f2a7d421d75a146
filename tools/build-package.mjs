#!/usr/bin/env node
// Builds one publishable package from its own folder: a dual ESM + CJS bundle per entry with
// esbuild, and declarations from tsc copied beside both. The CJS folder carries its own
// package.json ({"type":"commonjs"}) so the same .d.ts files are read as CommonJS there, which is
// what keeps `require` users' types honest (checked by @arethetypeswrong/cli).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    entry: { type: 'string', multiple: true, default: ['src/index.ts'] },
    platform: { type: 'string', default: 'neutral' },
    // With several entries (subpath exports), put the modules they share into chunks once, so
    // the ESM entries share one copy of each class. CJS cannot split: each CJS entry bundles its
    // own copy (the BpError brand keeps `instanceof` working across copies).
    splitting: { type: 'boolean', default: false },
  },
});

const cwd = process.cwd();
const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
const require = createRequire(join(cwd, 'package.json'));
const esbuild = require('esbuild');
const external = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
  ...Object.keys(pkg.optionalDependencies ?? {}),
  'node:*',
];

rmSync(join(cwd, 'dist'), { recursive: true, force: true });

const common = {
  entryPoints: values.entry,
  bundle: true,
  platform: values.platform,
  target: 'es2022',
  external,
  sourcemap: true,
  logLevel: 'warning',
  outbase: 'src',
  mainFields: ['module', 'main'],
};
await esbuild.build({
  ...common,
  format: 'esm',
  outdir: 'dist/esm',
  ...(values.splitting ? { splitting: true, chunkNames: 'chunks/[name]-[hash]' } : {}),
});
await esbuild.build({ ...common, format: 'cjs', outdir: 'dist/cjs' });
writeFileSync(join(cwd, 'dist/cjs/package.json'), '{"type":"commonjs"}\n');

const tsc = require.resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

function copyDeclarations(from, to) {
  for (const name of readdirSync(from)) {
    const path = join(from, name);
    if (statSync(path).isDirectory()) copyDeclarations(path, join(to, name));
    else if (name.endsWith('.d.ts') || name.endsWith('.d.ts.map')) {
      mkdirSync(to, { recursive: true });
      cpSync(path, join(to, name));
    }
  }
}
copyDeclarations(join(cwd, 'dist/types'), join(cwd, 'dist/esm'));
copyDeclarations(join(cwd, 'dist/types'), join(cwd, 'dist/cjs'));
rmSync(join(cwd, 'dist/types'), { recursive: true, force: true });
console.log(`built ${pkg.name} -> ${relative(process.cwd(), join(cwd, 'dist'))}`);
