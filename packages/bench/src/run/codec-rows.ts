import type { CodecRow } from '../results.js';

/** A case as packages/codec/bench/codec-suite.mjs reports it (the fields this harness reads). */
interface SuiteCase {
  scenario?: unknown;
  adapter?: unknown;
  kind?: unknown;
  op?: unknown;
  opsPerSec?: unknown;
  spread?: unknown;
  vsHandWritten?: unknown;
  bytesPerOp?: unknown;
  wireBytes?: { mean?: unknown };
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The figures of the codec suite's result (`runCodecBench()`'s `cases`): one row per scenario,
 * operation and library. Cases without a positive ops/s figure are left out rather than guessed.
 */
export function extractCodecRows(raw: unknown): CodecRow[] {
  const cases = (raw as { cases?: unknown })?.cases;
  if (!Array.isArray(cases)) return [];
  const rows: CodecRow[] = [];
  for (const c of cases as SuiteCase[]) {
    const opsPerSec = num(c?.opsPerSec);
    if (
      typeof c?.adapter !== 'string' ||
      typeof c.op !== 'string' ||
      opsPerSec === undefined ||
      opsPerSec <= 0
    ) {
      continue;
    }
    const row: CodecRow = {
      library: c.adapter,
      message: typeof c.scenario === 'string' ? c.scenario : '',
      operation: c.op,
      opsPerSec,
    };
    if (typeof c.kind === 'string') row.kind = c.kind;
    const spread = num(c.spread);
    if (spread !== undefined) row.spread = spread;
    const vs = num(c.vsHandWritten);
    if (vs !== undefined && vs > 0) row.vsHandWritten = vs;
    const alloc = num(c.bytesPerOp);
    if (alloc !== undefined) row.bytesPerOp = alloc;
    const wire = num(c.wireBytes?.mean);
    if (wire !== undefined && wire > 0) row.wireBytes = wire;
    rows.push(row);
  }
  return rows;
}
