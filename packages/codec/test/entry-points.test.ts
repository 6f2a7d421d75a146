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
});

describe('generated entry (Node condition, or @bp/codec/generated)', () => {
  let b: Bundled<M>;
  beforeAll(async () => {
    b = await bundle<M>('index.node.ts');
  });
  afterAll(() => b.dispose());

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
