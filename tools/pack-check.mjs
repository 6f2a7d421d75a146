#!/usr/bin/env node
// Packs every publishable package the way it would be published (`pnpm pack` rewrites
// `workspace:` ranges), installs each tarball into a fresh npm project outside the workspace,
// and uses it as a consumer would: ESM import, CJS require, a strict `tsc` type-check, and an
// esbuild browser bundle for the packages meant for browsers. publint and
// @arethetypeswrong/cli check the tarball's metadata and type resolution.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const { values } = parseArgs({
  options: { only: { type: 'string', multiple: true }, keep: { type: 'boolean', default: false } },
});

/** What a consumer of each package does first; a package not listed gets the generic checks only. */
const usage = {
  '@bp/codec': {
    browser: true,
    js: `const S = m.struct({ a: m.u32, s: m.string() });
const bytes = S.encode({ a: 7, s: 'hé' });
const back = S.decode(bytes);
if (back.a !== 7 || back.s !== 'hé' || bytes.length !== S.byteLength({ a: 7, s: 'hé' })) throw new Error('codec round trip failed');`,
    ts: `import { struct, u32, string, type Infer } from '@bp/codec';
const S = struct({ a: u32, s: string() });
const v: Infer<typeof S> = S.decode(S.encode({ a: 1, s: 'x' }));
const n: number = v.a;
const s: string = v.s;
export { n, s };`,
    subpaths: {
      interpreted: `if (s.struct({ a: s.u8 }, { engine: 'interpreted' }).engine !== 'interpreted') throw new Error('no interpreted engine');`,
    },
  },
  '@bp/session': {
    browser: true,
    js: `if (typeof m.createClientSession !== 'function') throw new Error('no createClientSession');
if ('sha256' in m) throw new Error('sha256 must not be public');`,
    // Subpath exports: each is imported, required, type-checked and bundled like the root (as `s`).
    subpaths: {
      wire: `if (typeof s.FrameReader !== 'function' || s.readCredit(s.encodeCredit(7)) !== 7) throw new Error('no wire API');`,
    },
  },
  '@bp/transport-node': {
    browser: false,
    js: `if (typeof m.createServer !== 'function' || typeof m.connect !== 'function') throw new Error('no createServer/connect');`,
  },
  '@bp/redis-adapter': {
    browser: false,
    js: `if (typeof m.createRedisAdapter !== 'function' || typeof m.decodeEnvelope !== 'function') throw new Error('no createRedisAdapter');`,
  },
  '@bp/transport-browser': {
    browser: true,
    js: `if (typeof m.connect !== 'function') throw new Error('no connect');`,
  },
  '@bp/opentelemetry': {
    browser: true,
    js: `if (typeof m.tracingInterceptor !== 'function' || typeof m.parseTraceparent !== 'function') throw new Error('no tracingInterceptor');`,
  },
  '@bp/prometheus': {
    browser: false,
    js: `if (typeof m.metricsInterceptor !== 'function') throw new Error('no metricsInterceptor');`,
  },
};

function run(cmd, args, cwd) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
}

const pnpm =
  process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath)
    ? [process.execPath, [process.env.npm_execpath]]
    : ['pnpm', []];
const packages = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private)
  .filter(({ pkg }) => !values.only || values.only.includes(pkg.name));

const work = mkdtempSync(join(tmpdir(), 'bp-pack-check-'));
const tarballs = new Map();
for (const { dir, pkg } of packages) {
  if (!existsSync(join(dir, 'dist'))) throw new Error(`${pkg.name} is not built: run \`pnpm build\` first`);
  const out = run(pnpm[0], [...pnpm[1], 'pack', '--pack-destination', work], dir);
  const file = out.trim().split('\n').pop().trim();
  tarballs.set(pkg.name, resolve(work, file));
}

const tsc = require.resolve('typescript/bin/tsc');
const esbuild = require('esbuild');
const publint = join(root, 'node_modules/.bin/publint');
const attw = join(root, 'node_modules/.bin/attw');
let failures = 0;

for (const { pkg } of packages) {
  const name = pkg.name;
  const tarball = tarballs.get(name);
  const steps = [];
  try {
    run(publint, ['--strict', tarball], root);
    steps.push('publint');
    // The node condition of @bp/codec points at a second entry; attw checks every subpath and condition.
    run(attw, [tarball, '--format', 'ascii'], root);
    steps.push('attw');

    const project = join(work, name.replace('/', '__'));
    mkdirSync(project, { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, version: '0.0.0' }),
    );
    // Internal @bp dependencies come from their own tarballs: nothing here is on a registry yet.
    const internal = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).filter((d) =>
      tarballs.has(d),
    );
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        tarball,
        ...internal.map((d) => tarballs.get(d)),
      ],
      project,
    );
    const installed = JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8'));
    if (name === '@bp/codec' && Object.keys(installed.dependencies ?? {}).length > 0) {
      throw new Error('@bp/codec must have zero runtime dependencies');
    }
    const spec = usage[name] ?? { browser: false, js: '' };
    const body = `if (Object.keys(m).length === 0) throw new Error('empty module');\n${spec.js}\nconsole.log('ok');\n`;
    writeFileSync(join(project, 'esm.mjs'), `import * as m from '${name}';\n${body}`);
    writeFileSync(join(project, 'cjs.cjs'), `const m = require('${name}');\n${body}`);
    if (run(process.execPath, ['esm.mjs'], project).trim() !== 'ok')
      throw new Error('esm import printed no ok');
    steps.push('import');
    if (run(process.execPath, ['cjs.cjs'], project).trim() !== 'ok')
      throw new Error('cjs require printed no ok');
    steps.push('require');
    for (const [subpath, js] of Object.entries(spec.subpaths ?? {})) {
      const target = `${name}/${subpath}`;
      const check = `if (Object.keys(s).length === 0) throw new Error('empty module');\n${js}\nconsole.log('ok');\n`;
      writeFileSync(join(project, `${subpath}.mjs`), `import * as s from '${target}';\n${check}`);
      writeFileSync(join(project, `${subpath}.cjs`), `const s = require('${target}');\n${check}`);
      for (const file of [`${subpath}.mjs`, `${subpath}.cjs`]) {
        if (run(process.execPath, [file], project).trim() !== 'ok') throw new Error(`${file} printed no ok`);
      }
      steps.push(`${subpath} import+require`);
    }

    const subpathTypes = Object.keys(spec.subpaths ?? {})
      .map(
        (subpath, i) =>
          `import * as s${i} from '${name}/${subpath}';\nexport const keys${i} = Object.keys(s${i});\n`,
      )
      .join('');
    writeFileSync(
      join(project, 'use.ts'),
      (spec.ts ?? `import * as m from '${name}';\nexport const keys = Object.keys(m);\n`) + subpathTypes,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          noEmit: true,
          skipLibCheck: false,
          types: [],
          typeRoots: [join(root, 'node_modules/@types')],
        },
        files: ['use.ts'],
      }),
    );
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
    steps.push('tsc');

    if (spec.browser) {
      const subpathImports = Object.entries(spec.subpaths ?? {})
        .map(([subpath, js]) => `{\nconst s = await import('${name}/${subpath}');\n${js}\n}\n`)
        .join('');
      writeFileSync(join(project, 'browser.mjs'), `import * as m from '${name}';\n${subpathImports}${body}`);
      await esbuild.build({
        entryPoints: [join(project, 'browser.mjs')],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        outfile: join(project, 'browser.bundle.js'),
        logLevel: 'silent',
      });
      const bundle = readFileSync(join(project, 'browser.bundle.js'), 'utf8');
      if (/\bnew Function\b|\beval\(/.test(bundle))
        throw new Error('browser bundle contains eval/new Function');
      steps.push('browser-bundle');
    }
    console.log(`ok   ${name}: ${steps.join(', ')}`);
  } catch (error) {
    failures++;
    console.error(`FAIL ${name} after [${steps.join(', ')}]: ${error.message}`);
  }
}
if (!values.keep) rmSync(work, { recursive: true, force: true });
else console.log(`kept ${work}`);
console.log(`pack-check: ${packages.length - failures} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
