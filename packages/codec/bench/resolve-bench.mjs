#!/usr/bin/env node
// `node bench/resolve-bench.mjs [--quick] [--json]` (after `pnpm --filter @bp/codec build`): how
// fast a codec made by `resolve(writerDescriptor, readerCodec)` is next to the native codec of
// the same reader shape. The target (issue 10) is at least 0.9x for decode and encodeInto.
//
// For each case: `native` is the reader's own codec on its own bytes; `resolved` reads the
// writer's bytes into the same reader shape (decode) and writes the same reader values in the
// writer's layout (encodeInto); `writer` is the writer's own codec on the writer's bytes, the cost
// of those bytes without any resolution (where the writer's layout is longer, that is the floor). Rates are per second of process CPU time; rounds alternate the
// two, and the reported ratio is the median over rounds of resolved / native in the same round,
// which moves far less than either rate on a shared machine. Pin it (`taskset -c 1 node ...`) for
// steadier numbers.
import { parseArgs } from 'node:util';
import * as bp from '@bp/codec';
import { compileLoop } from './loops.mjs';
import { calibrate, timeOnce } from './measure.mjs';
import { median } from './median.mjs';

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' }, json: { type: 'boolean' } } });
const ROUNDS = flags.quick ? 3 : 9;
const SAMPLE_MS = flags.quick ? 10 : 30;
const WARMUP_MS = flags.quick ? 30 : 100;

const { array, enumeration, f32, optional, resolve, string, struct, u8, u16, u32, withAliases, withDefault } =
  bp;

const sensor = { sensor1: f32, sensor2: f32, sensor3: f32, sensor4: f32 };
const words = ['ok', 'Grüße aus Köln', 'retry later', 'not found: /a/b/c', 'ümlaut-heavy ääää'];

/** writer: the peer's schema; reader: ours; value(i): reader-shaped values; consume reads a decoded value. */
const cases = [
  {
    name: 'SENSOR +battery',
    about: 'v1 4 x f32 read as v2 with `battery: withDefault(u8, 100)` (a field only the reader has)',
    writer: struct(sensor),
    reader: struct({ ...sensor, battery: withDefault(u8, 100) }),
    value: (i) => ({ sensor1: i, sensor2: i / 2, sensor3: -i, sensor4: 1.5, battery: 100 }),
    consume: (v) => v.sensor1 + v.sensor4 + v.battery,
  },
  {
    name: 'STATUS renamed+widened',
    about:
      'v1 { statusCode: u16, message } read as v2 { code: u32 (alias statusCode), message, level: enum default }',
    writer: struct({ statusCode: u16, message: string() }),
    reader: struct({
      code: withAliases(u32, ['statusCode']),
      message: string(),
      level: withDefault(enumeration(['info', 'warn', 'error']), 'info'),
    }),
    value: (i) => ({ code: 200 + i, message: words[i % words.length], level: 'info' }),
    writerValue: (i) => ({ statusCode: 200 + i, message: words[i % words.length] }),
    writerConsume: (v) => v.statusCode + v.message.length,
    consume: (v) => v.code + v.message.length + v.level.length,
  },
  {
    name: 'ORDER old reader',
    about:
      'v2 { id, name, lines: u16[], flags, note? } read by v1 { id, name } (fields only the writer has are skipped)',
    writer: struct({
      id: u32,
      name: string(),
      lines: withDefault(array(u16), []),
      flags: withDefault(u8, 0),
      note: optional(string()),
    }),
    reader: struct({ id: u32, name: string() }),
    value: (i) => ({ id: i, name: words[i % words.length] }),
    writerValue: (i) => ({ id: i, name: words[i % words.length], lines: [1, 2, 3, i], flags: 1, note: 'n' }),
    consume: (v) => v.id + v.name.length,
  },
  {
    name: 'SENSOR unchanged',
    about: 'the same schema on both sides',
    writer: struct(sensor),
    reader: struct(sensor),
    value: (i) => ({ sensor1: i, sensor2: i / 2, sensor3: -i, sensor4: 1.5 }),
    consume: (v) => v.sensor1 + v.sensor4,
  },
];

function loops(c) {
  const resolved = resolve(JSON.parse(JSON.stringify(c.writer.describe())), c.reader);
  const values = Array.from({ length: 16 }, (_, i) => c.value(i));
  const writerValues = Array.from({ length: 16 }, (_, i) => (c.writerValue ?? c.value)(i));
  // Bytes as each side's peer would send them: the reader's own, and the writer's.
  const nativeBytes = values.map((v) => c.reader.encode(v).slice());
  const writerBytes = writerValues.map((v) => c.writer.encode(v).slice());
  for (let i = 0; i < 16; i++) {
    // Sanity: the resolved codec reads writer bytes into what the native codec reads from its own.
    const a = JSON.stringify(resolved.decode(writerBytes[i]));
    const b = JSON.stringify(c.reader.decode(nativeBytes[i]));
    if (a !== b) throw new Error(`${c.name}: resolved ${a} but native ${b}`);
  }
  const target = new Uint8Array(4096);
  const decodeOp = (codec, bytes) => codec.decode(bytes);
  // Rebuilt from its source text by compileLoop, so it reaches the shared site through ctx.
  const sharedOp = (ctx, bytes) => ctx.site(ctx.codec, bytes);
  const via = (codec) => ({ codec, site: sharedDecode });
  const encodeOp = (codec, value, t) => codec.encodeInto(value, t, 0);
  return {
    decode: {
      native: compileLoop('decode', { op: decodeOp, consume: c.consume, ctx: c.reader, inputs: nativeBytes }),
      resolved: compileLoop('decode', {
        op: decodeOp,
        consume: c.consume,
        ctx: resolved,
        inputs: writerBytes,
      }),
      writer: compileLoop('decode', {
        op: decodeOp,
        consume: c.writerConsume ?? c.consume,
        ctx: c.writer,
        inputs: writerBytes,
      }),
    },
    'decode, shared call site': {
      native: compileLoop('decode', {
        op: sharedOp,
        consume: c.consume,
        ctx: via(c.reader),
        inputs: nativeBytes,
      }),
      resolved: compileLoop('decode', {
        op: sharedOp,
        consume: c.consume,
        ctx: via(resolved),
        inputs: writerBytes,
      }),
      writer: compileLoop('decode', {
        op: sharedOp,
        consume: c.writerConsume ?? c.consume,
        ctx: via(c.writer),
        inputs: writerBytes,
      }),
      warm: () => {
        for (let i = 0; i < 64; i++) {
          sharedDecode(c.reader, nativeBytes[i & 15]);
          sharedDecode(resolved, writerBytes[i & 15]);
          sharedDecode(c.writer, writerBytes[i & 15]);
        }
      },
    },
    encodeInto: {
      native: compileLoop('encodeInto', { op: encodeOp, ctx: c.reader, inputs: values, target }),
      resolved: compileLoop('encodeInto', { op: encodeOp, ctx: resolved, inputs: values, target }),
      writer: compileLoop('encodeInto', { op: encodeOp, ctx: c.writer, inputs: writerValues, target }),
    },
  };
}

/**
 * One decode call site for every codec of the run, as the session's payload decoder has (it calls
 * `decodeFrom` for whatever type arrived): V8 inlines no codec into it, native or resolved, so
 * this row shows the two without the inlining limit that decides the direct loop for codecs near
 * it (V8 inlines functions of up to 460 bytes of bytecode; see bench/FINDINGS.md).
 */
function sharedDecode(codec, bytes) {
  return codec.decodeFrom(bytes, 0, bytes.length).value;
}

// Make the shared site megamorphic before anything is timed, with codecs of other shapes (more
// than the four a polymorphic site inlines), so that each case finds it as a session would.
const others = [
  [struct({ a: u8 }), { a: 1 }],
  [struct({ a: u16, b: u8 }), { a: 1, b: 2 }],
  [struct({ a: u32, b: string() }), { a: 1, b: 'x' }],
  [struct({ a: f32, b: f32, c: u8 }), { a: 1, b: 2, c: 3 }],
  [struct({ a: string(), b: u32, c: u16 }), { a: 'y', b: 1, c: 2 }],
  [struct({ a: array(u8) }), { a: [1, 2] }],
];
for (const [codec, value] of others) {
  const bytes = codec.encode(value).slice();
  for (let i = 0; i < 64; i++) sharedDecode(codec, bytes);
}

const results = [];
for (const c of cases) {
  const l = loops(c);
  l['decode, shared call site'].warm();
  for (const op of ['decode', 'decode, shared call site', 'encodeInto']) {
    const pair = l[op];
    const sides = ['native', 'resolved', 'writer'];
    const n = Object.fromEntries(sides.map((side) => [side, calibrate(pair[side], SAMPLE_MS, WARMUP_MS).n]));
    const rates = { native: [], resolved: [], writer: [] };
    const ratios = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      const r = {};
      for (const side of order) {
        const t = timeOnce(pair[side], n[side]);
        r[side] = n[side] / (t.cpuNs / 1e9);
        rates[side].push(r[side]);
      }
      ratios.push(r.resolved / r.native);
    }
    results.push({
      case: c.name,
      about: c.about,
      op,
      nativeOpsPerSec: median(rates.native),
      resolvedOpsPerSec: median(rates.resolved),
      writerOpsPerSec: median(rates.writer),
      ratio: median(ratios),
      minRatio: Math.min(...ratios),
      maxRatio: Math.max(...ratios),
    });
  }
}

const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : `${(x / 1e3).toFixed(1)} k`);
if (flags.json) {
  console.log(JSON.stringify({ node: process.version, rounds: ROUNDS, results }, null, 2));
} else {
  console.log(
    `Node ${process.version}, engine ${bp.getDefaultEngine()}, ${ROUNDS} rounds of ~${SAMPLE_MS} ms\n`,
  );
  console.log(
    "| case | op | native ops/s | resolved ops/s | writer's own codec ops/s | resolved / native (min-max) | >= 0.9x? |",
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | :---: |');
  for (const r of results) {
    console.log(
      `| ${r.case} | ${r.op} | ${fmt(r.nativeOpsPerSec)} | ${fmt(r.resolvedOpsPerSec)} | ${fmt(r.writerOpsPerSec)} | ${r.ratio.toFixed(2)} (${r.minRatio.toFixed(2)}-${r.maxRatio.toFixed(2)}) | ${r.ratio >= 0.9 ? 'yes' : '**no**'} |`,
    );
  }
  for (const c of cases) console.log(`\n- ${c.name}: ${c.about}`);
}
