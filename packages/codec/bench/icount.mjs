// Instruction counts for one direct-loop case, repeatable on a loaded machine (timings are not).
// Runs one case's loop (loops.mjs compileDirectLoop, the shape the benchmark times) `n` times
// after a fixed warm-up; the caller runs it twice, with n and 0 (or two n's), under
// `perf stat -e instructions:u` (or valgrind --tool=callgrind) and divides the difference by n.
//
//   node bench/icount.mjs <adapter> <scenario> <op> <n> [--alone]
//   adapter: hand-written | bp | bp-closures;  scenario: SENSOR | STATUS-24 | ... ;  op: encodeInto | decode
//
// By default the scenarios and operations of the adapter are warmed first, in the benchmark's
// order, so shared function literals have seen every message type, as in a full run (the closures engine
// shares literals between codecs); --alone warms only the case measured. bench/icount.sh wraps it.
import { bpAdapters } from './bp-adapters.mjs';
import { handWritten } from './hand-written.mjs';
import { compileDirectLoop } from './loops.mjs';
import { scenarios } from './scenarios.mjs';

const [adapterId, scenarioId, op, nText, ...flags] = process.argv.slice(2);
const adapter = [handWritten, ...bpAdapters].find((a) => a.id === adapterId);
if (adapter === undefined) throw new Error(`unknown adapter ${adapterId}`);
const alone = flags.includes('--alone');
const WARM = 64_000;

function pool(scenario) {
  const { codec } = adapter.setup(scenario);
  const values = scenario.values();
  const encoded = values.map((v) => codec.encode(v).slice());
  let size = 8;
  for (const b of encoded) size += (b.length + 7) & ~7;
  const backing = new ArrayBuffer(size);
  let offset = 8;
  const wire = encoded.map((b) => {
    const view = new Uint8Array(backing, offset, b.length);
    view.set(b);
    offset += (b.length + 7) & ~7;
    return view;
  });
  const target = new Uint8Array(Math.max(scenario.maxBytes, 16384));
  return { codec, values, wire, target };
}

function loopFor(scenario, kind) {
  const p = pool(scenario);
  return compileDirectLoop(kind, {
    codec: p.codec,
    inputs: kind === 'decode' ? p.wire : p.values,
    target: p.target,
    field: scenario.field,
  });
}

let sum = 0;
const measured = scenarios.find((s) => s.id === scenarioId);
if (measured === undefined) throw new Error(`unknown scenario ${scenarioId}`);
// STATUS-300 and BLOB-64K use the same schemas as STATUS-24 and BLOB-1K: warming those two
// teaches the shared sites the same types at a fraction of the cost under valgrind.
const warmed = scenarios.filter((s) => s === measured || (s.id !== 'STATUS-300' && s.id !== 'BLOB-64K'));
for (const scenario of alone ? [measured] : warmed) {
  for (const kind of ['encodeInto', 'decode']) {
    if (alone && kind !== op) continue;
    const loop = loopFor(scenario, kind);
    // Many short calls, so that the loop function itself is optimized (not only entered by OSR,
    // which would leave the measured call starting in the interpreter).
    const calls = scenario.id === 'BLOB-64K' ? 50 : 2000;
    for (let i = 0; i < calls; i++) sum += loop(WARM / 2000);
    if (scenario === measured && kind === op) {
      const n = Number(nText);
      sum += loop(n);
    }
  }
}
if (sum === 0.5) console.log(sum);
