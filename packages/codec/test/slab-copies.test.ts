/**
 * `encode()` carves its bytes from a shared slab and probes it: an encoder that runs out of room
 * there throws a cheap signal instead of an EncodeError. With two copies of the package in one
 * program (ESM and CJS, or the browser entry and `@bp/codec/generated` in one bundle), a codec
 * of one copy may run writers compiled by the other, so the probe must be one for the process.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type * as Codec from '../src/index.node.js';
import { type Bundled, bundle } from './bundle.js';

type M = typeof Codec;

describe('encode() of a codec that runs the other copy’s writers', () => {
  let b: Bundled<M>;
  beforeAll(async () => {
    b = await bundle<M>('index.node.ts');
  });
  afterAll(() => b.dispose());

  for (const engine of ['closures', 'generated'] as const) {
    test(`${engine}: the slab fills up and encode() goes on with a new one`, () => {
      const pairs: [M, M][] = [
        [b.esm, b.cjs],
        [b.cjs, b.esm],
      ];
      for (const [maker, compiler] of pairs) {
        const codec = compiler.withEngine(maker.struct({ id: maker.u32, name: maker.string() }), engine);
        // A 64 KiB slab holds ~3,000 of these; 10,000 runs past its end at least twice.
        for (let i = 0; i < 10_000; i++) {
          const value = { id: i, name: `sensor-${i}` };
          const bytes = codec.encode(value);
          expect(bytes.length).toBe(4 + 4 + value.name.length);
          if (i % 997 === 0) expect(codec.decode(bytes)).toEqual(value);
        }
      }
    });
  }
});
