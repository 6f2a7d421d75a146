import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as here from '../src/index.js';

type CodecModule = typeof here;

describe('errors across two copies of the package (dual ESM/CJS install)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bp-codec-dual-'));
  let esm: CodecModule;
  let cjs: CodecModule;

  beforeAll(async () => {
    const entry = join(import.meta.dirname, '../src/index.ts');
    await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      outfile: join(dir, 'esm.mjs'),
      logLevel: 'error',
    });
    await build({
      entryPoints: [entry],
      bundle: true,
      format: 'cjs',
      outfile: join(dir, 'cjs.cjs'),
      logLevel: 'error',
    });
    esm = await import(pathToFileURL(join(dir, 'esm.mjs')).href);
    cjs = createRequire(import.meta.url)(join(dir, 'cjs.cjs'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the copies are distinct classes', () => {
    expect(esm.DecodeError).not.toBe(cjs.DecodeError);
  });

  test('instanceof and the guards work across copies', () => {
    let thrown: unknown;
    try {
      cjs.u32.decode(new Uint8Array(2));
    } catch (e) {
      thrown = e;
    }
    for (const m of [esm, cjs, here]) {
      expect(thrown instanceof m.DecodeError).toBe(true);
      expect(thrown instanceof m.BpError).toBe(true);
      expect(thrown instanceof m.EncodeError).toBe(false);
      expect(m.isDecodeError(thrown)).toBe(true);
      expect(m.isBpError(thrown)).toBe(true);
      expect(m.isEncodeError(thrown)).toBe(false);
    }
    expect((thrown as here.DecodeError).code).toBe('truncated');
    expect(thrown instanceof Error).toBe(true);
  });

  test('encode errors too', () => {
    let thrown: unknown;
    try {
      esm.u8.encode(300);
    } catch (e) {
      thrown = e;
    }
    expect(thrown instanceof cjs.EncodeError).toBe(true);
    expect(thrown instanceof cjs.DecodeError).toBe(false);
    expect(cjs.isEncodeError(thrown)).toBe(true);
  });
});

describe('error classes', () => {
  test('stable codes, names, paths and offsets', () => {
    const e = new here.DecodeError('invalid-value', 'bad flag', 'a.b', 7);
    expect([e.code, e.name, e.path, e.offset, e.message]).toEqual([
      'invalid-value',
      'DecodeError',
      'a.b',
      7,
      'a.b: bad flag',
    ]);
    const x = new here.EncodeError('too-long', 'too long', '');
    expect([x.name, x.message]).toEqual(['EncodeError', 'too long']);
    expect(new here.BpError('x', 'y') instanceof here.DecodeError).toBe(false);
  });

  test('a subclass in another package keeps its own instanceof', () => {
    class TransportError extends here.BpError {
      static override readonly brand = '@bp/test:TransportError';
    }
    const t = new TransportError('closed', 'connection closed');
    expect(t instanceof TransportError).toBe(true);
    expect(t instanceof here.BpError).toBe(true);
    expect(t instanceof here.DecodeError).toBe(false);
    expect(new here.DecodeError('truncated', 'x') instanceof TransportError).toBe(false);
    class Unbranded extends here.BpError {}
    expect(new Unbranded('a', 'b') instanceof Unbranded).toBe(true);
    expect(t instanceof Unbranded).toBe(false);
  });

  test('non-objects are never instances', () => {
    for (const v of [null, undefined, 1, 'DecodeError', {}]) {
      expect(v instanceof here.DecodeError).toBe(false);
      expect(here.isBpError(v)).toBe(false);
    }
  });
});
