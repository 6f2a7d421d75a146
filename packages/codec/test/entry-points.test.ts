import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { build } from 'esbuild';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type * as Codec from '../src/index.node.js';
import { type Bundled, bundle } from './bundle.js';

type M = typeof Codec;

describe('default (browser-safe) entry', () => {
  let b: Bundled<M>;
  beforeAll(async () => {
    b = await bundle<M>('index.ts', 'browser');
  });
  afterAll(() => b.dispose());

  test('holds no eval and no new Function', () => {
    expect(b.text).not.toMatch(/new Function|\beval\(/);
  });

  test('compiles with closures by default and refuses generated code with a reason', () => {
    expect(b.esm.getDefaultEngine()).toBe('closures');
    expect(b.esm.struct({ a: b.esm.u8 }).engine).toBe('closures');
    expect(() => b.esm.setDefaultEngine('generated')).toThrow(/@bp\/codec\/generated/);
    expect(() => b.esm.struct({ a: b.esm.u8 }, { engine: 'generated' })).toThrow(
      expect.objectContaining({ code: 'engine-unavailable' }),
    );
  });

  test('leaves the interpreted engine out, and says where it is', () => {
    expect(b.text).not.toMatch(/function compileInterpreted/);
    expect(() => b.esm.struct({ a: b.esm.u8 }, { engine: 'interpreted' })).toThrow(/@bp\/codec\/interpreted/);
    expect(
      () =>
        new b.esm.ProtocolConfig({
          messageStructures: { 1: b.esm.struct({ a: b.esm.u8 }) },
          enablePerformanceImprovements: false,
        }),
    ).toThrow(expect.objectContaining({ code: 'engine-unavailable' }));
  });
});

describe('interpreted entry (@bp/codec/interpreted)', () => {
  let b: Bundled<M>;
  beforeAll(async () => {
    b = await bundle<M>('index.interpreted.ts', 'browser');
  });
  afterAll(() => b.dispose());

  test('keeps closures as the default, holds no eval, and offers the interpreted engine', () => {
    expect(b.text).not.toMatch(/new Function|\beval\(/);
    for (const m of [b.esm, b.cjs]) {
      expect(m.getDefaultEngine()).toBe('closures');
      const S = m.struct({ a: m.u32, s: m.string() }, { engine: 'interpreted' });
      expect(S.engine).toBe('interpreted');
      expect(S.decode(S.encode({ a: 7, s: 'hé' }))).toEqual({ a: 7, s: 'hé' });
      const config = new m.ProtocolConfig({
        messageStructures: { 1: m.struct({ a: m.u8 }) },
        enablePerformanceImprovements: false,
      });
      expect(config.codecFor(1).engine).toBe('interpreted');
    }
  });
});

describe('generated entry (Node condition, or @bp/codec/generated)', () => {
  let b: Bundled<M>;
  beforeAll(async () => {
    b = await bundle<M>('index.node.ts');
  });
  afterAll(() => b.dispose());

  test('has the interpreted engine too', () => {
    expect(b.esm.struct({ a: b.esm.u8 }, { engine: 'interpreted' }).engine).toBe('interpreted');
  });

  test('compiles generated code by default, in ESM and CJS alike', () => {
    for (const m of [b.esm, b.cjs]) {
      expect(m.getDefaultEngine()).toBe('generated');
      const S = m.struct({ a: m.u32, s: m.string() });
      expect(S.engine).toBe('generated');
      expect(S.decode(S.encode({ a: 7, s: 'hé' }))).toEqual({ a: 7, s: 'hé' });
    }
  });

  test('codecs from one copy work inside a ProtocolConfig of the other', () => {
    const S = b.cjs.struct({ a: b.cjs.u8 });
    const config = new b.esm.ProtocolConfig({ messageStructures: { 1: S } });
    expect(config.decodeMessage(config.encodeMessage(1, { a: 5 }))).toEqual({ type: 1, value: { a: 5 } });
  });
});

describe('default entry in a context that forbids eval (as a strict Content-Security-Policy does)', () => {
  let m: M;
  beforeAll(async () => {
    const out = await build({
      entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
      bundle: true,
      format: 'iife',
      globalName: 'bp',
      platform: 'browser',
      write: false,
      logLevel: 'error',
    });
    // No Buffer here, like a browser: long strings take the TextEncoder path.
    const context = createContext(
      { TextEncoder, TextDecoder },
      { codeGeneration: { strings: false, wasm: false } },
    );
    runInContext(out.outputFiles[0].text, context);
    m = (context as { bp: M }).bp;
  });

  test('eval really is forbidden there', () => {
    const context = createContext({}, { codeGeneration: { strings: false, wasm: false } });
    expect(() => runInContext('new Function("return 1")()', context)).toThrow();
  });

  test('codecs work, long strings included', () => {
    const S = m.struct({ id: m.u32, text: m.string(), tags: m.array(m.string({ lengthPrefix: 'u8' })) });
    const long = `${'é'.repeat(50)}${'x'.repeat(50)}😀`;
    const value = { id: 7, text: long, tags: ['a', long] };
    const bytes = S.encode(value);
    expect(S.decode(bytes)).toEqual(value);
    expect(S.byteLength(value)).toBe(bytes.length);
    const small = new Uint8Array(bytes.length - 1);
    expect(() => S.encodeInto(value, small)).toThrow(expect.objectContaining({ code: 'buffer-too-small' }));
    expect(S.decode(S.encode({ ...value, text: `${long}\ud800` })).text).toBe(`${long}\ufffd`);
    expect(() => m.string({ length: 60 }).encode(long)).toThrow(
      expect.objectContaining({ code: 'too-long' }),
    );
    expect(() => m.setDefaultEngine('generated')).toThrow(
      expect.objectContaining({ code: 'engine-unavailable' }),
    );
  });
});

describe('an app bundles the compilers of the kinds it uses', () => {
  async function bundleApp(source: string): Promise<string> {
    const out = await build({
      stdin: { contents: source, resolveDir: new URL('.', import.meta.url).pathname, loader: 'ts' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'error',
    });
    return out.outputFiles[0].text;
  }
  // Each kind's compiler and the explainer of its encode errors.
  const OTHERS = [
    'compileArray',
    'compileOptional',
    'compileEnum',
    'compileUnion',
    'compileBytes',
    'explainArray',
    'explainEnum',
    'explainUnion',
    'explainBytes',
  ];

  test('a struct of u32 and string leaves out arrays, optionals, enums, unions and bytes', async () => {
    const text = await bundleApp(
      "import { string, struct, u32 } from '../src/index.ts';\nconsole.log(struct({ id: u32, s: string() }).encode({ id: 1, s: 'a' }));",
    );
    expect(text).toMatch(/function compileString\b/);
    for (const name of OTHERS) expect(text).not.toMatch(new RegExp(`function ${name}\\b`));
  });

  test('using array() brings its compiler in', async () => {
    const text = await bundleApp(
      "import { array, struct, u32 } from '../src/index.ts';\nconsole.log(struct({ a: array(u32) }).encode({ a: [1] }));",
    );
    expect(text).toMatch(/function compileArray\b/);
    expect(text).toMatch(/function explainArray\b/);
    expect(text).not.toMatch(/function compileUnion\b/);
  });
});

describe('an app bundles the writers and readers of the primitives it uses', () => {
  /** Bundles `source` as a browser app would and runs it; resolves to what it returns as `result`. */
  async function runApp(source: string): Promise<{ text: string; result: unknown }> {
    const out = await build({
      stdin: { contents: source, resolveDir: new URL('.', import.meta.url).pathname, loader: 'ts' },
      bundle: true,
      format: 'iife',
      globalName: 'app',
      platform: 'browser',
      write: false,
      logLevel: 'error',
    });
    const text = out.outputFiles[0].text;
    const context = createContext({ TextEncoder, TextDecoder });
    runInContext(text, context);
    return { text, result: (context as { app: { result: unknown } }).app.result };
  }
  const roundTrip = (codec: string, value: string) =>
    `const c = ${codec};\nexport const result = c.decode(c.encode(${value}));`;

  test('a struct of u32 and string holds no writer of another primitive, and works', async () => {
    const app = await runApp(
      `import { string, struct, u32 } from '../src/index.ts';\n${roundTrip('struct({ id: u32, s: string() })', "{ id: 7, s: 'a' }")}`,
    );
    expect(app.result).toEqual({ id: 7, s: 'a' });
    for (const call of ['setFloat64', 'setBigUint64', 'setInt16', 'readF64', 'readI64le']) {
      expect(app.text).not.toContain(call);
    }
  });

  // Each maker of primitive nodes by name enables what it can make: these would throw
  // "closures engine: ... is not enabled" if one did not.
  test.each([
    [
      'a Protocol header format',
      "import { Protocol, struct, f32 } from '../src/index.ts';\nconst p = new Protocol({ messageStructures: { 1: struct({ x: f32 }) }, headerFormat: '<i' });\nconst bytes = new Uint8Array(p.messageByteLength(1, { x: 0.5 }));\np.encodeMessageInto(1, { x: 0.5 }, bytes);\nexport const result = p.decodeMessage(bytes).value;",
      { x: 0.5 },
    ],
    [
      'a Python format string',
      `import { fromFormat } from '../src/index.ts';\n${roundTrip("fromFormat('>d')", '2.5')}`,
      2.5,
    ],
    [
      'a FieldDefinition',
      `import { FieldDefinition, MessageStructure } from '../src/index.ts';\n${roundTrip("new MessageStructure([new FieldDefinition('on', Boolean), new FieldDefinition('n', Number)])", '{ on: true, n: 1.5 }')}`,
      { on: true, n: 1.5 },
    ],
    [
      'a resolved peer schema',
      "import { resolve, struct, u8 } from '../src/index.ts';\nconst peer = { type: 'struct', fields: [{ name: 'a', schema: { type: 'u8' } }, { name: 'b', schema: { type: 'f64' } }] };\nconst mine = struct({ a: u8 });\nconst r = resolve(peer, mine);\nexport const result = r.decode(new Uint8Array([5, 0, 0, 0, 0, 0, 0, 0, 0]));",
      { a: 5 },
    ],
  ])('%s brings the primitives it names', async (_, source, expected) => {
    expect((await runApp(source)).result).toEqual(expected);
  });
});

describe('codecs an app makes but never uses leave nothing behind', () => {
  // The makers are marked /* @__NO_SIDE_EFFECTS__ */: bundlers that read it across modules
  // (Rollup, and Rolldown, which Vite builds with) drop a call whose result goes unused, so a shared
  // module of message codecs costs a page only the ones it uses. esbuild reads it only within a
  // module (evanw/esbuild#4369), so this bundles with Rolldown.
  const USED = "console.log(struct({ id: u32, s: string() }).encode({ id: 1, s: 'a' }));";
  const UNUSED = [
    'const list = array(u16, { length: 2 });',
    'const maybe = optional(u8);',
    "const side = enumeration(['buy', 'sell']);",
    "const only = literal('x');",
    "const blob = bytes({ lengthPrefix: 'u16' });",
    "const shape = union('kind', { a: struct({ n: f64 }), b: struct({ list: array(u8) }) });",
    "const old = withAliases(withDefault(u8, 1), ['previous']);",
    "const packed = fromFormat('>3I');",
    "const fast = trustedInput(withEngine(struct({ m: optional(string()) }), 'closures'));",
    // A class cannot carry the mark: the README tells users to mark the construction.
    'const protocol = /* @__PURE__ */ new Protocol({ messageStructures: { 1: struct({ list: array(u8) }) } });',
  ].join('\n');
  const NAMES =
    'array, bytes, enumeration, f64, fromFormat, literal, optional, Protocol, string, struct, trustedInput, u8, u16, u32, union, withAliases, withDefault, withEngine';
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bp-unused-'));
    // The package as tools/build-package.mjs builds it: esbuild's bundle of the entry, whose output
    // must keep the annotations.
    await build({
      entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      outfile: join(dir, 'built.js'),
      logLevel: 'error',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function rolldownApp(name: string, from: string, body: string): Promise<string> {
    const input = join(dir, `${name}.js`);
    writeFileSync(input, `import { ${NAMES} } from ${JSON.stringify(from)};\n${body}\n`);
    const bundle = await rolldown({ input, platform: 'browser', logLevel: 'silent' });
    const { output } = await bundle.generate({ format: 'esm', minify: true });
    await bundle.close();
    return output[0].code;
  }

  for (const [label, from] of [
    ['the sources', fileURLToPath(new URL('../src/index.ts', import.meta.url))],
    ['the package as built', './built.js'],
  ]) {
    test(`from ${label}: an app with unused codecs of every kind bundles as small as without them`, async () => {
      const alone = await rolldownApp(`alone-${label.length}`, from, USED);
      const withUnused = await rolldownApp(`unused-${label.length}`, from, `${UNUSED}\n${USED}`);
      expect(withUnused).not.toContain('buy');
      expect(withUnused).not.toContain('previous');
      expect(withUnused.length).toBe(alone.length);
      // And the used codec is really there (a failed resolve would give two equal, empty bundles).
      expect(alone.length).toBeGreaterThan(10_000);
    });
  }
});
