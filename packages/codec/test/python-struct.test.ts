/**
 * fromFormat against the real thing: Python's struct module packs and unpacks the same values,
 * and both directions must agree byte for byte (and on which values are refused).
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { type Codec, fromFormat, isEncodeError } from '../src/index.node.js';

type Kind = 'int' | 'float' | 'bool' | 'bytes';
interface Case {
  fmt: string;
  kind: Kind;
  value: string;
  /** Our encoding of value, or null when we refused it. */
  ours: string | null;
}

const PYTHON = `
import json, struct, sys
def load(kind, text):
    if kind == 'int': return int(text)
    if kind == 'float': return struct.unpack('>d', bytes.fromhex(text))[0]
    if kind == 'bool': return text == 'true'
    return bytes.fromhex(text)
def dump(kind, v):
    if kind == 'int': return str(v)
    if kind == 'float': return struct.pack('>d', v).hex()
    if kind == 'bool': return 'true' if v else 'false'
    return v.hex()
out = []
for c in json.load(sys.stdin):
    try:
        packed = struct.pack(c['fmt'], load(c['kind'], c['value'])).hex()
    except (struct.error, OverflowError):
        packed = None
    theirs_of_ours = None if c['ours'] is None else dump(c['kind'], struct.unpack(c['fmt'], bytes.fromhex(c['ours']))[0])
    theirs_of_theirs = None if packed is None else dump(c['kind'], struct.unpack(c['fmt'], bytes.fromhex(packed))[0])
    out.append([packed, theirs_of_ours, theirs_of_theirs])
json.dump(out, sys.stdout)
`;

const INT_RANGES: Record<string, [bigint, bigint]> = {
  b: [-(2n ** 7n), 2n ** 7n - 1n],
  B: [0n, 2n ** 8n - 1n],
  h: [-(2n ** 15n), 2n ** 15n - 1n],
  H: [0n, 2n ** 16n - 1n],
  i: [-(2n ** 31n), 2n ** 31n - 1n],
  I: [0n, 2n ** 32n - 1n],
  l: [-(2n ** 31n), 2n ** 31n - 1n],
  L: [0n, 2n ** 32n - 1n],
  q: [-(2n ** 63n), 2n ** 63n - 1n],
  Q: [0n, 2n ** 64n - 1n],
};

const order = fc.constantFrom('<', '>', '!');
const f64Hex = (x: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x);
  return Buffer.from(b).toString('hex');
};
const hexF64 = (h: string) => new DataView(Uint8Array.from(Buffer.from(h, 'hex')).buffer).getFloat64(0);

const caseArb: fc.Arbitrary<{ fmt: string; kind: Kind; value: unknown }> = fc.oneof(
  fc.tuple(order, fc.constantFrom(...Object.keys(INT_RANGES))).chain(([o, code]) => {
    const [min, max] = INT_RANGES[code];
    return fc
      .oneof(fc.bigInt({ min, max }), fc.constantFrom(min, max, min - 1n, max + 1n, 0n))
      .map((v) => ({ fmt: o + code, kind: 'int' as const, value: v }));
  }),
  fc
    .tuple(
      order,
      fc.constantFrom('f', 'd'),
      fc.oneof(
        fc.double(),
        fc.float(),
        fc.constantFrom(3.4028235677973366e38, 3.4028235677973362e38, -1e39, 1e-46),
      ),
    )
    .map(([o, code, v]) => ({ fmt: o + code, kind: 'float' as const, value: v })),
  fc.tuple(order, fc.boolean()).map(([o, v]) => ({ fmt: `${o}?`, kind: 'bool' as const, value: v })),
  fc
    .integer({ min: 0, max: 9 })
    .chain((n) =>
      fc
        .tuple(order, fc.uint8Array({ maxLength: n }))
        .map(([o, v]) => ({ fmt: `${o}${n}s`, kind: 'bytes' as const, value: v, n })),
    ),
);

function jsValue(kind: Kind, v: unknown, code: string): unknown {
  if (kind === 'int') return code === 'q' || code === 'Q' ? v : Number(v);
  return v;
}

function text(kind: Kind, v: unknown): string {
  if (kind === 'int') return String(v);
  if (kind === 'float') return f64Hex(v as number);
  if (kind === 'bool') return v ? 'true' : 'false';
  return Buffer.from(v as Uint8Array).toString('hex');
}

test('fromFormat packs and unpacks exactly like Python struct, both directions', () => {
  const seed = Date.now() | 0;
  // Every code in every byte order at its edges, then random values.
  const edges: { fmt: string; kind: Kind; value: unknown }[] = [];
  for (const o of ['<', '>', '!']) {
    for (const [code, [min, max]] of Object.entries(INT_RANGES)) {
      for (const v of [min, max, min - 1n, max + 1n, 0n, 1n])
        edges.push({ fmt: o + code, kind: 'int', value: v });
    }
    for (const code of ['f', 'd']) {
      for (const v of [
        0,
        -0,
        1.1,
        -2.5e-40,
        1e39,
        3.4028235677973366e38,
        Infinity,
        -Infinity,
        Number.NaN,
        5e-324,
      ]) {
        edges.push({ fmt: o + code, kind: 'float', value: v });
      }
    }
    edges.push({ fmt: `${o}?`, kind: 'bool', value: true }, { fmt: `${o}?`, kind: 'bool', value: false });
    for (const n of [0, 1, 4])
      edges.push({ fmt: `${o}${n}s`, kind: 'bytes', value: new Uint8Array(n).fill(7) });
    edges.push({ fmt: `${o}s`, kind: 'bytes', value: new Uint8Array([9]) });
  }
  const raw = [...edges, ...fc.sample(caseArb, { numRuns: 3000, seed })];
  const codecs = new Map<string, Codec<unknown>>();
  const codecOf = (fmt: string) => {
    let c = codecs.get(fmt);
    if (c === undefined) codecs.set(fmt, (c = fromFormat(fmt) as Codec<unknown>));
    return c;
  };
  const cases: Case[] = raw.map(({ fmt, kind, value }) => {
    let ours: string | null;
    try {
      ours = Buffer.from(codecOf(fmt).encode(jsValue(kind, value, fmt.slice(-1)))).toString('hex');
    } catch (e) {
      if (!isEncodeError(e)) throw e;
      ours = null;
    }
    return { fmt, kind, value: text(kind, value), ours };
  });
  const results = JSON.parse(
    execFileSync('python3', ['-c', PYTHON], {
      input: JSON.stringify(cases),
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    }),
  ) as [string | null, string | null, string | null][];
  expect(results.length).toBe(cases.length);
  let compared = 0;
  cases.forEach((c, i) => {
    const [packed, theirsOfOurs, theirsOfTheirs] = results[i];
    const where = `seed ${seed}, case ${JSON.stringify(c)}`;
    // Same bytes, or both refuse.
    expect(c.ours, where).toBe(packed);
    if (packed === null) return;
    compared++;
    // Python's bytes decode here to what Python reads from them, and ours decode there to what we read.
    const ourRead = codecOf(c.fmt).decode(Uint8Array.from(Buffer.from(packed, 'hex')));
    const ourText = text(c.kind, c.kind === 'int' ? BigInt(ourRead as number) : ourRead);
    expect(ourText, where).toBe(
      c.kind === 'float' ? f64Hex(hexF64(theirsOfTheirs as string)) : theirsOfTheirs,
    );
    expect(theirsOfOurs, where).toBe(theirsOfTheirs);
  });
  // The generators include out-of-range values; most cases must still be real comparisons.
  expect(compared).toBeGreaterThan(cases.length / 2);
});
