// Turns a results object from runCodecBench() into the console table and the Markdown that goes
// into the README.

const OPS = ['encodeInto', 'encode', 'decode'];

/** 157234567 -> '157.2 M', 8412 -> '8.4 k'. */
export function formatRate(opsPerSec) {
  if (opsPerSec === undefined) return '-';
  if (opsPerSec >= 1e6) return `${(opsPerSec / 1e6).toFixed(opsPerSec >= 1e8 ? 0 : 1)} M`;
  if (opsPerSec >= 1e3) return `${(opsPerSec / 1e3).toFixed(1)} k`;
  return opsPerSec.toFixed(0);
}

/** Rounds of one case that differ by more than this (max - min over median) get a mark. */
export const UNSTEADY_SPREAD = 0.5;
const UNSTEADY_MARK = '~';

function formatPercent(ratio) {
  return ratio === undefined ? '' : `${Math.round(ratio * 100)}%`;
}

function formatBytes(bytes) {
  if (bytes === undefined) return '?';
  return bytes < 10 ? bytes.toFixed(bytes < 0.5 ? 0 : 1) : Math.round(bytes).toString();
}

function formatWire(wire) {
  if (wire === undefined) return '-';
  return wire.min === wire.max ? String(wire.min) : `${wire.min}-${wire.max}`;
}

/** Rows of one scenario: one per adapter, with its three operations side by side. */
export function scenarioRows(results, scenarioId) {
  const rows = [];
  for (const adapter of results.adapters) {
    const byOp = {};
    for (const op of OPS) {
      byOp[op] = results.cases.find(
        (c) => c.scenario === scenarioId && c.adapter === adapter.id && c.op === op,
      );
    }
    const any = byOp.encodeInto ?? byOp.encode ?? byOp.decode;
    if (any === undefined) continue;
    rows.push({ adapter, byOp, wire: any.wireBytes, viewBytes: byOp.decode?.decodedBytesAreViews });
  }
  return rows;
}

/** "fastest library: encodeInto avsc 22.4 M (bp 3.8x), ..." for one scenario. */
function fastestLibraryLine(results, scenarioId) {
  const parts = [];
  for (const op of OPS) {
    const bp = results.cases.find((c) => c.scenario === scenarioId && c.op === op && c.adapter === 'bp');
    const best = results.cases.find(
      (c) =>
        c.scenario === scenarioId && c.op === op && c.kind === 'library' && c.adapter === bp?.fastestLibrary,
    );
    if (bp === undefined || best === undefined) continue;
    parts.push(`${op} ${best.adapter} ${formatRate(best.opsPerSec)} (bp ${bp.vsFastestLibrary.toFixed(2)}x)`);
  }
  return parts.length === 0 ? '' : `fastest library: ${parts.join(', ')}`;
}

/**
 * What a `--quick` run prints instead of ratios and target verdicts: that everything ran. Its
 * rounds of a few milliseconds say that each codec works, not how fast it is.
 */
export function smokeRunNote(results) {
  const scenarios = results.scenarios.length;
  return (
    `smoke run (--quick): ${scenarios} scenario(s), ${results.cases.length} case(s), ` +
    `${results.failures.length} failure(s). A run this short reports no ratio and judges no target; ` +
    'run without --quick for findings.'
  );
}

function pad(text, width, right = false) {
  const s = String(text);
  return right ? s.padStart(width) : s.padEnd(width);
}

/** The console report: one table per scenario, then the targets. */
export function formatText(results) {
  const lines = [];
  const m = results.machine;
  lines.push(
    `@bp/codec benchmark, ${results.startedAt}: ${m.cpuModel}, ${m.cpuCount} CPUs, ${results.runtime.node}` +
      ` (V8 ${results.runtime.v8}), ${results.placement ?? 'placement not recorded'}`,
  );
  lines.push(
    `load average before/after: ${results.loadAverage.before.map((x) => x.toFixed(2)).join(' ')} / ${results.loadAverage.after.map((x) => x.toFixed(2)).join(' ')};` +
      ` ${results.timing.rounds} alternating rounds of ~${results.timing.sampleMs} ms per case, median shown; ${results.durationSec} s`,
  );
  lines.push(
    `clock: ${results.timing.clock === 'wall' ? 'wall time' : 'process CPU time'}; the process had ${Math.round((results.cpuShare ?? 1) * 100)}% of its CPU while timing (median)`,
  );
  const judged = results.quick !== true;
  lines.push(
    judged
      ? 'ops/s (median) and % of the hand-written codec (median of same-round ratios); alloc = bytes allocated per call;'
      : 'ops/s (median; --quick: rough, no ratios); alloc = bytes allocated per call;',
  );
  lines.push(
    `${UNSTEADY_MARK} = the rounds of that case varied by more than ${UNSTEADY_SPREAD * 100}% (treat as rough)`,
  );
  for (const scenario of results.scenarios) {
    lines.push('');
    lines.push(`${scenario.id}: ${scenario.description}, ${scenario.poolSize} distinct values`);
    const header = [
      pad('', 26),
      pad('encodeInto', 16, true),
      pad('encode', 16, true),
      pad('decode', 16, true),
      pad('wire B', 12, true),
      pad('alloc into/encode/decode', 27, true),
    ].join(' ');
    lines.push(header);
    for (const row of scenarioRows(results, scenario.id)) {
      const cell = (op) => {
        const c = row.byOp[op];
        if (c === undefined) return pad('-', 16, true);
        const mark = c.spread > UNSTEADY_SPREAD ? UNSTEADY_MARK : ' ';
        const pct = judged ? pad(formatPercent(c.vsHandWritten), 5, true) : '';
        return pad(`${formatRate(c.opsPerSec)}${mark}${pct}`, 16, true);
      };
      const alloc = OPS.map((op) =>
        row.byOp[op] === undefined ? '-' : formatBytes(row.byOp[op].bytesPerOp),
      ).join(' / ');
      lines.push(
        [
          pad(row.adapter.label, 26),
          cell('encodeInto'),
          cell('encode'),
          cell('decode'),
          pad(formatWire(row.wire), 12, true),
          pad(alloc, 27, true),
        ].join(' '),
      );
    }
    const fastest = judged ? fastestLibraryLine(results, scenario.id) : '';
    if (fastest !== '') lines.push(fastest);
  }
  lines.push('');
  if (!judged) {
    lines.push(smokeRunNote(results));
    for (const f of results.failures) lines.push(`FAILED ${f.adapter} on ${f.scenario}: ${f.error}`);
    return lines.join('\n');
  }
  const mark = (t) => (t.pass === undefined ? ' ?  ' : t.pass ? 'MET ' : 'MISS');
  const sections = [
    ['Targets (bp per engine, trustedInput where it says so):', results.targets.filter((x) => x.target)],
    [
      'The same bars as figures, not targets (encode() into a fresh buffer; the checked encoder where trustedInput is judged):',
      results.targets.filter((x) => !x.target),
    ],
  ];
  for (const [title, list] of sections) {
    if (list.length === 0) continue;
    lines.push(title);
    for (const t of list) lines.push(`  ${mark(t)} ${pad(t.description, 62)} ${t.detail}`);
  }
  if (results.failures.length > 0) {
    lines.push('');
    for (const f of results.failures) lines.push(`FAILED ${f.adapter} on ${f.scenario}: ${f.error}`);
  }
  return lines.join('\n');
}

/** The Markdown tables for the README's Benchmarks section. */
export function formatMarkdown(results) {
  const lines = [];
  const judged = results.quick !== true;
  if (!judged) lines.push(`> **${smokeRunNote(results)}**`, '');
  for (const scenario of results.scenarios) {
    lines.push(`**${scenario.id}**: ${scenario.description}`);
    lines.push('');
    lines.push(
      '| codec | encodeInto ops/s | encode ops/s | decode ops/s | wire bytes | bytes allocated per call (encodeInto / encode / decode) |',
    );
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const row of scenarioRows(results, scenario.id)) {
      const cell = (op) => {
        const c = row.byOp[op];
        if (c === undefined) return '-';
        const pct = c.kind === 'reference' || !judged ? '' : ` (${formatPercent(c.vsHandWritten)})`;
        const mark = c.spread > UNSTEADY_SPREAD ? ` ${UNSTEADY_MARK}` : '';
        return `${formatRate(c.opsPerSec)}${pct}${mark}`;
      };
      const alloc = OPS.map((op) =>
        row.byOp[op] === undefined ? '-' : formatBytes(row.byOp[op].bytesPerOp),
      ).join(' / ');
      const name = row.adapter.kind === 'bp' ? `**${row.adapter.label}**` : row.adapter.label;
      lines.push(
        `| ${name} | ${cell('encodeInto')} | ${cell('encode')} | ${cell('decode')} | ${formatWire(row.wire)} | ${alloc} |`,
      );
    }
    lines.push('');
    const fastest = judged ? fastestLibraryLine(results, scenario.id) : '';
    if (fastest !== '') lines.push(`${fastest[0].toUpperCase()}${fastest.slice(1)}.`, '');
  }
  if (!judged) return lines.join('\n');
  lines.push('| target (bp per engine, trustedInput where it says so) | measured | met? |');
  lines.push('| --- | --- | :---: |');
  const met = (t) => (t.pass === undefined ? '?' : t.pass ? 'yes' : '**no**');
  for (const t of results.targets.filter((x) => x.target)) {
    lines.push(`| ${t.description} | ${t.detail} | ${met(t)} |`);
  }
  const extra = results.targets.filter((x) => !x.target);
  if (extra.length > 0) {
    lines.push('');
    lines.push(
      'The same bars as figures, not targets (`encode()` into a fresh buffer; the checked encoder where `trustedInput` is judged):',
    );
    lines.push('');
    lines.push('| bar | measured | met? |');
    lines.push('| --- | --- | :---: |');
    for (const t of extra) lines.push(`| ${t.description} | ${t.detail} | ${met(t)} |`);
  }
  return lines.join('\n');
}

/** Markers around the generated part of the README's Benchmarks section. */
export const README_START =
  '<!-- codec-bench:start (generated by `node bench/codec-bench.mjs --update-readme`) -->';
export const README_END = '<!-- codec-bench:end -->';

/** The generated part of the README's Benchmarks section: where, when, how, then the tables. */
export function formatReadmeSection(results) {
  const m = results.machine;
  const date = results.startedAt.slice(0, 10);
  const load = results.loadAverage;
  const versions = results.libraryVersions ?? {};
  const lines = [
    README_START,
    '',
    `Measured ${date} on ${m.cpuModel} (${m.cpuCount} vCPUs, ${m.totalMemoryGiB} GiB, ${m.platform}), Node ${results.runtime.node.replace(/^v/, '')}` +
      ` (V8 ${results.runtime.v8}), ${results.placement ?? 'placement not recorded'}; load average` +
      ` ${load.before[0].toFixed(2)} before, ${load.after[0].toFixed(2)} after, the process had` +
      ` ${Math.round((results.cpuShare ?? 1) * 100)}% of its CPU while timing; ${results.durationSec} s.` +
      ` @bp/codec ${results.bp?.version}${results.bp?.source ? ` (sources at ${results.bp.source.commit}${results.bp.source.srcModified ? ' with local changes' : ''})` : ''},` +
      ` msgpackr ${versions.msgpackr}, protobufjs ${versions.protobufjs}, avsc ${versions.avsc}.`,
    '',
    `These numbers: \`${results.command ?? 'node bench/codec-bench.mjs'}\` in \`packages/codec\`, after`,
    '`pnpm --filter @bp/codec build` (or `pnpm exec turbo run bench --filter=@bp/codec`, which builds',
    'first); add `--update-readme` to rewrite this section from the run, or',
    '`node bench/codec-bench.mjs --from <results.json> --update-readme` to rewrite it from a saved',
    'one; `--quick` is a 15-second smoke run (operations per second, no ratios or targets, never',
    'written here). The numbers go to `bench-results/codec.json`; `bench/FINDINGS.md` explains the',
    'gaps.',
    '',
    'Rows: the hand-written reference (`bench/hand-written.mjs`: one object per layout with',
    '`encodeInto` / `encode` / `decode`, DataView stores at constant offsets, numbers read by',
    'assembling bytes: what bp is measured against), then bp in Node with default options',
    '(`generated` engine), the CSP-safe `closures` engine (the default outside Node), the',
    '`interpreted` engine (`enablePerformanceImprovements: false`), and the libraries. The reference',
    'and bp are called directly from the timed loop, as a user calls them',
    '(`codec.decode(bytes, 0)`, results kept in a 16-slot ring, one field read); the libraries',
    'through one adapter function each (`op(ctx, input)`), which is what lets one loop drive',
    'different APIs (measured: it did not slow the reference by more than a few percent). On this',
    'shared machine a single figure can move by up to 2x between runs (another process on the',
    'sibling hyperthread halves a tight loop, which CPU time does not show); the ratios in brackets',
    'move far less.',
    '',
    `Operations per second of process CPU time (median of ${results.timing.rounds} alternating rounds of ~${results.timing.sampleMs} ms, all codecs in one process),` +
      ' in brackets the median over the rounds of the ratio to the hand-written codec measured in the same round; bytes on the wire; bytes allocated per call.' +
      ' `encodeInto` writes into a reused buffer (protobufjs: a reused Writer; msgpackr: `useBuffer` +' +
      ' `REUSE_BUFFER_MODE`), `encode` returns a new buffer, `decode` returns a new object from a view into a' +
      ' shared receive buffer. Inputs rotate through 16 distinct values.' +
      ` ${UNSTEADY_MARK} marks a case whose rounds varied by more than ${UNSTEADY_SPREAD * 100}% (max - min over median): treat it as rough.`,
    '',
    formatMarkdown(results),
    '',
    README_END,
  ];
  return lines.join('\n');
}
