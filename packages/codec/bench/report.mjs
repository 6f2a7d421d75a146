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
  lines.push('ops/s (and % of the hand-written codec); alloc = bytes allocated per call');
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
        return pad(`${formatRate(c.opsPerSec)} ${pad(formatPercent(c.vsHandWritten), 5, true)}`, 16, true);
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
  }
  lines.push('');
  lines.push('Targets (bp with default options):');
  for (const t of results.targets) {
    const mark = t.pass === undefined ? ' ?  ' : t.pass ? 'MET ' : 'MISS';
    lines.push(`  ${mark} ${pad(t.description, 62)} ${t.detail}`);
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
        const pct = c.kind === 'reference' ? '' : ` (${formatPercent(c.vsHandWritten)})`;
        return `${formatRate(c.opsPerSec)}${pct}`;
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
  }
  lines.push('| target (bp, default options) | measured | met? |');
  lines.push('| --- | --- | :---: |');
  for (const t of results.targets) {
    lines.push(
      `| ${t.description} | ${t.detail} | ${t.pass === undefined ? '?' : t.pass ? 'yes' : '**no**'} |`,
    );
  }
  return lines.join('\n');
}
