/**
 * The closures engine compiles only the node kinds that something enabled (so that a bundle holds
 * only the compilers its app uses): every public way of making a codec must enable its kinds.
 * Each case runs in a fresh copy of the package's modules, with nothing enabled before it.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type * as Codec from '../src/index.node.js';
import * as Codecs from '../src/index.node.js';
import { array, bytes, enumeration, optional, string, struct, u8, union } from '../src/index.node.js';
import { type Bundled, bundle } from './bundle.js';

type M = typeof Codec;
/** A codec and a value it reads back; `bytes` when they are not its own encoding of the value. */
type Make = (m: M) => { codec: Codec.Codec<any>; value: unknown; bytes?: Uint8Array };

const SHARED = Symbol.for('@bp/codec/closure-kinds');
const SHARED_DESCRIBERS = Symbol.for('@bp/codec/describers');

// Made by the test's own copy of the modules, before any case starts afresh.
const Writer = struct({
  list: array(u8),
  maybe: optional(string({ lengthPrefix: 'u8' })),
  gone: union('k', { a: struct({ e: enumeration(['x']), b: bytes() }) }),
});
const WRITER = JSON.parse(JSON.stringify(Writer.describe()));
const WRITTEN = Writer.encode({
  list: [1],
  maybe: 'm',
  gone: { k: 'a', e: 'x', b: Uint8Array.of(1) },
}).slice();

function forgetEveryCopy(): void {
  delete (globalThis as Record<symbol, unknown>)[SHARED];
  delete (globalThis as Record<symbol, unknown>)[SHARED_DESCRIBERS];
}

/** What the test's own copy (which made every kind above) says the codec describes as. */
const described = (make: Make): unknown => make(Codecs).codec.describe();

const makers: Record<string, Make> = {
  array: (m) => ({ codec: m.struct({ a: m.array(m.u16) }), value: { a: [1, 2] } }),
  'fixed array': (m) => ({ codec: m.array(m.u8, { length: 2 }), value: [3, 4] }),
  optional: (m) => ({ codec: m.struct({ a: m.optional(m.u8) }), value: { a: 5 } }),
  enumeration: (m) => ({ codec: m.struct({ e: m.enumeration(['x', 'y']) }), value: { e: 'y' } }),
  literal: (m) => ({ codec: m.literal('only'), value: 'only' }),
  union: (m) => ({
    codec: m.union('kind', { a: m.struct({ n: m.u8 }), b: m.struct({}) }),
    value: { kind: 'a', n: 1 },
  }),
  string: (m) => ({ codec: m.string({ lengthPrefix: 'u8' }), value: 'hé' }),
  bytes: (m) => ({ codec: m.bytes({ length: 2 }), value: Uint8Array.of(1, 2) }),
  fromFormat: (m) => ({ codec: m.fromFormat('>3s'), value: Uint8Array.of(1, 2, 3) }),
  'MessageStructure (String, Uint8Array)': (m) => ({
    codec: new m.MessageStructure([
      new m.FieldDefinition('s', String),
      new m.FieldDefinition('b', Uint8Array),
    ]),
    value: { s: 'x', b: Uint8Array.of(9) },
  }),
  'resolve (a descriptor with kinds this copy never made)': (m) => {
    const reader = m.struct({ list: m.array(m.u16), added: m.withDefault(m.u8, 7) });
    // Encoding for this writer compiles its union, enum and bytes from the descriptor alone.
    return { codec: m.resolve(WRITER, reader), value: { list: [1], added: 7 }, bytes: WRITTEN };
  },
};

for (const entry of ['index.ts', 'index.node.ts'] as const) {
  describe(`every maker enables its kinds (src/${entry})`, () => {
    for (const [name, make] of Object.entries(makers)) {
      test(name, async () => {
        forgetEveryCopy();
        vi.resetModules();
        const m = (await import(`../src/${entry}`)) as M;
        const { codec, value, bytes } = make(m);
        expect(codec.decode(bytes ?? codec.encode(value as never))).toEqual(value);
        // describe() too: each kind's description comes with its maker.
        expect(codec.describe()).toEqual(described(make));
      });
    }
  });
}

describe('two copies of the package in one process (ESM and CJS)', () => {
  let b: Bundled<M>;
  beforeAll(async () => {
    forgetEveryCopy();
    b = await bundle<M>('index.ts', 'browser');
  });
  afterAll(() => b.dispose());

  test('a copy compiles kinds that only the other copy made', () => {
    // Only the CJS copy has made arrays, optionals and strings; the ESM copy compiles them.
    const list = b.cjs.array(b.cjs.optional(b.cjs.string()));
    const S = b.esm.struct({ id: b.esm.u8, list });
    const value = { id: 1, list: ['a', undefined] };
    expect(S.decode(S.encode(value))).toEqual(value);
    expect(S.describe()).toEqual(struct({ id: u8, list: array(optional(string())) }).describe());
  });
});
