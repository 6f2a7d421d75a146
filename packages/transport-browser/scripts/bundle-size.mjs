#!/usr/bin/env node
// Measures what bp costs a browser app: scripts/size-app.ts bundled with esbuild the way an app
// would be (platform 'browser', ESM, minified), then gzipped (level 9). Prints a table, or JSON
// with --json, and exits 1 when a figure is over its budget (test/bundle-size.test.ts runs it).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Budgets in gzipped bytes. `total` is @bp/codec + @bp/session + @bp/transport-browser + the app
 * (the aim is 10 KB; protobuf's JS runtime alone is about 50 KB), a guard against growth to be
 * lowered as the packages shrink; `own` is this package's share (the others left external).
 */
export const BUDGETS = { total: 28.5 * 1024, own: 6 * 1024 };

const here = dirname(fileURLToPath(import.meta.url));

async function bundle(external) {
  const result = await build({
    entryPoints: [join(here, 'size-app.ts')],
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // Paths in the metafile are relative to this package, wherever the script is run from.
    absWorkingDir: join(here, '..'),
    external,
    // This package from its sources (the same code as its dist/), the others as built (dist/).
    alias: { '@bp/transport-browser': join(here, '../src/index.ts') },
  });
  const code = result.outputFiles[0].contents;
  const minifiedByPackage = {};
  for (const [path, input] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
    const match = /(?:^|\/)(codec|session)\/dist\//.exec(path);
    const name = match ? `@bp/${match[1]}` : path.startsWith('src/') ? '@bp/transport-browser' : 'app';
    minifiedByPackage[name] = (minifiedByPackage[name] ?? 0) + input.bytesInOutput;
  }
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length, minifiedByPackage };
}

const all = await bundle([]);
const own = await bundle(['@bp/codec', '@bp/session']);
const report = {
  total: { minified: all.minified, gzip: all.gzip },
  own: { minified: own.minified, gzip: own.gzip },
  minifiedByPackage: all.minifiedByPackage,
  budgets: BUDGETS,
};

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(report));
} else {
  console.log('small app (scripts/size-app.ts), esbuild --bundle --minify --platform=browser, gzip -9');
  for (const [name, bytes] of Object.entries(report.minifiedByPackage)) {
    console.log(`  ${name.padEnd(22)} ${String(bytes).padStart(6)} B minified`);
  }
  console.log(
    `  total                  ${String(all.minified).padStart(6)} B minified  ${all.gzip} B gzip (budget ${BUDGETS.total})`,
  );
  console.log(
    `  transport-browser only ${String(own.minified).padStart(6)} B minified  ${own.gzip} B gzip (budget ${BUDGETS.own})`,
  );
}
for (const key of ['total', 'own']) {
  if (report[key].gzip > BUDGETS[key]) {
    console.error(
      `bundle size (${key}) ${report[key].gzip} B gzipped is over the budget of ${BUDGETS[key]} B`,
    );
    process.exitCode = 1;
  }
}
