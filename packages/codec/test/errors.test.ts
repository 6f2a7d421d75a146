import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as here from '../src/index.node.js';
import { type Bundled, bundle } from './bundle.js';

type CodecModule = typeof here;

describe('errors across two copies of the package (dual ESM/CJS install)', () => {
  let bundled: Bundled<CodecModule>;
  let esm: CodecModule;
  let cjs: CodecModule;

  beforeAll(async () => {
    bundled = await bundle<CodecModule>('index.ts');
    ({ esm, cjs } = bundled);
  });
  afterAll(() => bundled.dispose());

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
