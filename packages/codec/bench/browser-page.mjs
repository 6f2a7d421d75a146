// The page that browser-bench.mjs bundles and opens in Chromium: the hand-written codec and bp's
// two fast engines on the suite's scenarios, in the loops the Node suite times (loops.mjs), in
// alternating rounds. It reads its settings from the page's #config element and writes its
// results as JSON into #result. Timing is performance.now(): a page has no per-process CPU clock,
// so every sample is wall time (the runner says how busy the machine was).
import { withEngine } from '@bp/codec';
// The entry with the `generated` engine (it needs eval, so the browser entry leaves it out).
import { withEngine as withGeneratedEngine } from '@bp/codec/generated';
import { schemas } from './bp-schemas.mjs';
import { handWrittenCodec } from './hand-written.mjs';
import { compileDirectLoop } from './loops.mjs';
import { median } from './median.mjs';
import { scenarios } from './scenarios.mjs';

const adapters = [
  { id: 'hand-written', make: (scenario) => handWrittenCodec(scenario.shape) },
  { id: 'bp-closures', make: (scenario) => withEngine(schemas[scenario.shape], 'closures') },
  { id: 'bp-generated', make: (scenario) => withGeneratedEngine(schemas[scenario.shape], 'generated') },
];
const operations = ['encodeInto', 'encode', 'decode'];

/** Operations per second of one run of `n`. */
function rate(loop, n) {
  const start = performance.now();
  const checksum = loop(n);
  const ms = performance.now() - start;
  return { perSec: (n * 1000) / Math.max(ms, 0.001), ms, checksum };
}

/** Warms `loop` up and returns an operation count whose run lasts about `sampleMs`. */
function calibrate(loop, sampleMs, warmupMs) {
  let n = 1;
  const start = performance.now();
  while (rate(loop, n).ms < 2) n *= 2;
  while (performance.now() - start < warmupMs)
    n = Math.max(1, Math.round((rate(loop, n).perSec * sampleMs) / 1000));
  return n;
}

/** Fails the run when a codec does not give back what it was given (a broken codec is not measured). */
function checkRoundTrip(id, scenario, codec, values) {
  for (const value of values) {
    const back = codec.decode(codec.encode(value), 0);
    if (
      JSON.stringify(back, (_, v) => (v instanceof Uint8Array ? [...v] : v)) !==
      JSON.stringify(value, (_, v) => (v instanceof Uint8Array ? [...v] : v))
    ) {
      throw new Error(`${id} does not round-trip ${scenario.id}: ${JSON.stringify(value).slice(0, 80)}`);
    }
  }
}

function run({ filter, rounds, sampleMs, warmupMs }) {
  const keep = filter === undefined ? undefined : new RegExp(filter, 'i');
  const cases = [];
  let checksum = 0;
  for (const scenario of scenarios) {
    const values = scenario.values();
    const prepared = adapters.map((adapter) => {
      const codec = adapter.make(scenario);
      checkRoundTrip(adapter.id, scenario, codec, values);
      // Each adapter decodes its own encoding of the pool (the same bytes: one wire format).
      const wire = values.map((value) => codec.encode(value).slice());
      return { adapter, codec, wire, target: new Uint8Array(Math.max(scenario.maxBytes, 16384)) };
    });
    for (const op of operations) {
      const group = prepared
        .filter(
          (p) =>
            keep === undefined ||
            p.adapter.id === 'hand-written' ||
            keep.test(`${scenario.id}/${p.adapter.id}/${op}`),
        )
        .map((p) => {
          const loop = compileDirectLoop(op, {
            codec: p.codec,
            inputs: op === 'decode' ? p.wire : values,
            target: p.target,
            field: scenario.field,
          });
          return { id: p.adapter.id, loop, n: calibrate(loop, sampleMs, warmupMs), samples: [] };
        });
      if (group.length < 2) continue;
      for (let round = 0; round < rounds; round++) {
        for (const member of group) {
          const r = rate(member.loop, member.n);
          checksum += r.checksum;
          member.samples.push(r.perSec);
        }
      }
      const reference = group[0].samples;
      for (const member of group) {
        const ratios = member.samples.map((s, i) => s / reference[i]);
        cases.push({
          scenario: scenario.id,
          adapter: member.id,
          op,
          opsPerSec: median(member.samples),
          ratio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
        });
      }
    }
  }
  return { userAgent: navigator.userAgent, cases, checksum };
}

const output = document.getElementById('result');
try {
  const config = JSON.parse(document.getElementById('config').textContent);
  output.textContent = JSON.stringify(run(config));
} catch (error) {
  output.textContent = JSON.stringify({ error: String(error?.stack ?? error) });
}
