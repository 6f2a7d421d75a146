import type { BenchmarkResult, CaseResult, CompetitorInfo, RunResult } from '../results.js';
import type { Summary } from '../stats.js';
import { formatMicros, formatNumber, formatRatio } from './format.js';
import { isJudged } from './smoke-run.js';

/** A table as both the console and the Markdown report print it. */
export interface Table {
  title: string;
  header: string[];
  /** Per column: numbers right-aligned, names left-aligned. */
  align: ('left' | 'right')[];
  rows: string[][];
  notes?: string[];
}

const labels = (run: RunResult) => new Map(run.competitors.map((c: CompetitorInfo) => [c.id, c.label]));

const cell = (s: Summary | undefined, format: (v: number) => string) => (s ? format(s.median) : '-');
const spread = (s: Summary | undefined) => (s ? `${Math.round(s.relSpread * 100)}%` : '-');
const interval = (s: Summary | undefined) =>
  s && s.n > 1 ? `${formatNumber(Math.max(0, s.ci95[0]))}-${formatNumber(s.ci95[1])}` : '-';

/** One summary table per case: every alternative's headline figures and the statistics behind them. */
export function caseTable(run: RunResult, c: CaseResult): Table {
  const names = labels(run);
  if (c.spec.kind === 'idle') {
    return {
      title: `${c.spec.id}: ${c.spec.title}`,
      header: [
        'alternative',
        'server RSS/conn',
        'server heap/conn',
        'connections/s',
        'spread',
        'n',
        'errors',
      ],
      align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
      rows: c.results.map((r) =>
        r.status !== 'ok'
          ? [names.get(r.competitor) ?? r.competitor, 'failed', '', '', '', '', '']
          : [
              names.get(r.competitor) ?? r.competitor,
              cell(r.summary.serverRssPerConnectionKB, (v) => `${formatNumber(v)} KB`),
              cell(r.summary.serverHeapPerConnectionKB, (v) => `${formatNumber(v)} KB`),
              cell(r.summary.connectionsPerSec, formatNumber),
              spread(r.summary.serverRssPerConnectionKB),
              String(r.samples.length),
              String(r.errors),
            ],
      ),
      notes: [
        'RSS/conn: growth of the server RSS after GC with the connections open, divided by their number.',
        ...failureNotes(run, c),
      ],
    };
  }
  const pushes = c.spec.kind === 'realistic';
  return {
    title: `${c.spec.id}: ${c.spec.title}`,
    header: [
      'alternative',
      'msgs/s',
      ...(pushes ? ['pushes/s'] : []),
      'MB/s',
      'p50',
      'p95',
      'p99',
      'max',
      'wire B/msg',
      'srv CPU/msg',
      'spread',
      '95% CI msgs/s',
      'n',
      'errors',
    ],
    align: ['left', ...Array<'right'>(pushes ? 13 : 12).fill('right')],
    rows: c.results.map((r) =>
      r.status !== 'ok'
        ? [names.get(r.competitor) ?? r.competitor, 'failed', ...Array(pushes ? 12 : 11).fill('')]
        : [
            names.get(r.competitor) ?? r.competitor,
            cell(r.summary.msgsPerSec, formatNumber),
            ...(pushes ? [cell(r.summary.pushesPerSec, formatNumber)] : []),
            cell(r.summary.mbPerSec, formatNumber),
            cell(r.summary.latencyP50Us, formatMicros),
            cell(r.summary.latencyP95Us, formatMicros),
            cell(r.summary.latencyP99Us, formatMicros),
            cell(r.summary.latencyMaxUs, formatMicros),
            cell(r.summary.wireBytesPerMessage, formatNumber),
            cell(r.summary.serverCpuUsPerMessage, formatMicros),
            spread(r.summary.msgsPerSec),
            interval(r.summary.msgsPerSec),
            String(r.samples.length),
            String(r.errors),
          ],
    ),
    notes: failureNotes(run, c),
  };
}

/** One note per alternative that failed in a case, with the first line of its error. */
function failureNotes(run: RunResult, c: CaseResult): string[] {
  const names = labels(run);
  return c.results
    .filter((r) => r.failedRepetitions > 0)
    .map(
      (r) =>
        `${names.get(r.competitor) ?? r.competitor} failed in ${r.failedRepetitions} repetition(s): ${firstLine(r.error)}`,
    );
}

/** Per benchmark, resource use of server and client over the measured windows of its cases. */
export function resourceTable(run: RunResult, benchmark: BenchmarkResult): Table {
  const names = labels(run);
  const ids = [
    ...new Set(
      benchmark.cases.flatMap((c) => c.results.filter((r) => r.status === 'ok').map((r) => r.competitor)),
    ),
  ];
  const total = (id: string, metric: string) =>
    benchmark.cases.reduce(
      (sum, c) => sum + (c.results.find((r) => r.competitor === id)?.summary[metric]?.median ?? 0),
      0,
    );
  const peak = (id: string, metric: string) =>
    Math.max(
      0,
      ...benchmark.cases.map((c) => c.results.find((r) => r.competitor === id)?.summary[metric]?.median ?? 0),
    );
  const ms = (v: number) => `${formatNumber(v)} ms`;
  return {
    title: `${benchmark.type}: resource use (CPU summed over the cases' windows, peaks are the highest case)`,
    header: [
      'alternative',
      'srv CPU user',
      'srv CPU sys',
      'srv peak RSS',
      'srv ELD p99',
      'cli CPU user',
      'cli CPU sys',
      'cli peak RSS',
      'cli ELD p99',
    ],
    align: ['left', ...Array<'right'>(8).fill('right')],
    rows: ids.map((id) => [
      names.get(id) ?? id,
      ms(total(id, 'serverCpuUserMs')),
      ms(total(id, 'serverCpuSysMs')),
      `${formatNumber(peak(id, 'serverPeakRssMB'))} MB`,
      ms(peak(id, 'serverEventLoopDelayP99Ms')),
      ms(total(id, 'clientCpuUserMs')),
      ms(total(id, 'clientCpuSysMs')),
      `${formatNumber(peak(id, 'clientPeakRssMB'))} MB`,
      ms(peak(id, 'clientEventLoopDelayP99Ms')),
    ]),
    notes: ['ELD: event-loop delay beyond the 10 ms sampling tick. Values are medians over repetitions.'],
  };
}

const METRIC_NAMES: Record<string, string> = {
  msgsPerSec: 'throughput',
  latencyP50Us: 'p50',
  latencyP99Us: 'p99',
  serverCpuUsPerMessage: 'server CPU/msg',
  serverRssPerConnectionKB: 'RSS/conn',
};

/**
 * bp's advantage over each other alternative, one table per bp transport and benchmark: rows are
 * case and metric, columns the alternatives; "3.1x" means bp is 3.1 times better (higher
 * throughput, or lower latency, CPU or memory); below 1x it is worse.
 */
export function ratioTables(run: RunResult, benchmark: BenchmarkResult): Table[] {
  const names = labels(run);
  const bps = [...new Set(benchmark.cases.flatMap((c) => c.ratios.map((r) => r.bp)))];
  return bps.map((bp) => {
    const others = [
      ...new Set(benchmark.cases.flatMap((c) => c.ratios.filter((r) => r.bp === bp).map((r) => r.other))),
    ];
    const rows: string[][] = [];
    for (const c of benchmark.cases) {
      const metrics = [...new Set(c.ratios.filter((r) => r.bp === bp).map((r) => r.metric))];
      for (const metric of metrics) {
        rows.push([
          `${c.spec.id} ${METRIC_NAMES[metric] ?? metric}`,
          ...others.map((other) => {
            const entry = c.ratios.find((r) => r.bp === bp && r.other === other && r.metric === metric);
            if (!entry) return '-';
            const a = entry.advantage;
            return a.n > 1
              ? `${formatRatio(a.median)} (${formatRatio(a.min)}-${formatRatio(a.max)})`
              : formatRatio(a.median);
          }),
        ]);
      }
    }
    return {
      title: `${benchmark.type}: ${names.get(bp) ?? bp} against each alternative (x times better; range over repetitions)`,
      header: ['case / metric', ...others.map((o) => names.get(o) ?? o)],
      align: ['left', ...others.map((): 'right' => 'right')],
      rows,
    };
  });
}

/** The targets: bp against the hand-written framing, met or missed. */
export function targetTable(run: RunResult): Table {
  const ran = run.targets.filter((t) => t.status !== 'not-run');
  const skipped = run.targets.length - ran.length;
  return {
    title: 'Targets: bp against the hand-written framing in the same run (ratio bp / reference)',
    header: ['target', 'pair', 'ratio (median)', 'range', 'limit', 'status'],
    align: ['left', 'left', 'right', 'right', 'right', 'left'],
    rows: ran.map((t) => [
      t.description,
      `${t.bp} / ${t.reference}`,
      t.ratio ? t.ratio.median.toFixed(2) : '-',
      t.ratio ? `${t.ratio.min.toFixed(2)}-${t.ratio.max.toFixed(2)}` : '-',
      t.limit.min !== undefined ? `>= ${t.limit.min}` : `<= ${t.limit.max}`,
      t.status,
    ]),
    notes:
      skipped > 0
        ? [`${skipped} target(s) not run: their case or alternatives were not part of this run.`]
        : [],
  };
}

/** Codec figures: operations per second per library, message and operation. */
export function codecTable(run: RunResult): Table | undefined {
  const codec = run.codec;
  if (!codec) return undefined;
  if (codec.status !== 'ok' || codec.rows.length === 0) {
    return {
      title: 'codec',
      header: ['status'],
      align: ['left'],
      rows: [
        [
          codec.status === 'ok'
            ? 'the suite returned no recognisable rows (see the JSON)'
            : `${codec.status}: ${firstLine(codec.error)}`,
        ],
      ],
    };
  }
  // A smoke run's rounds are too short for a ratio to mean anything: it shows only what ran.
  const judged = isJudged(run);
  return {
    title: `codec: operations per second on one core (median of rounds${judged ? '' : ', --quick: rough'})`,
    header: [
      'message',
      'operation',
      'library',
      'ops/s',
      ...(judged ? ['vs hand-written'] : []),
      'spread',
      'bytes/op',
      'encoded B',
    ],
    align: [
      'left',
      'left',
      'left',
      'right',
      ...(judged ? ['right' as const] : []),
      'right',
      'right',
      'right',
    ],
    rows: codec.rows.map((r) => [
      r.message,
      r.operation,
      r.library,
      formatNumber(r.opsPerSec),
      ...(judged ? [r.vsHandWritten === undefined ? '-' : formatRatio(r.vsHandWritten)] : []),
      r.spread === undefined ? '-' : `${Math.round(r.spread * 100)}%`,
      r.bytesPerOp === undefined ? '-' : formatNumber(r.bytesPerOp),
      r.wireBytes === undefined ? '-' : formatNumber(r.wireBytes),
    ]),
  };
}

/** The realistic benchmark's per-client figures for one alternative (the median repetition's first). */
export function perClientTable(run: RunResult, c: CaseResult, competitor: string): Table | undefined {
  const sample = c.results.find((r) => r.competitor === competitor && r.status === 'ok')?.samples[0];
  if (!sample?.perClient) return undefined;
  const name = labels(run).get(competitor) ?? competitor;
  return {
    title: `${c.spec.id}: per client, ${name} (repetition ${sample.repetition + 1})`,
    header: [
      'client',
      'request share',
      'think ms',
      'pushes?',
      'requests',
      'one-way',
      'pushes',
      'p50',
      'p99',
      'errors',
    ],
    align: ['right', 'right', 'right', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
    rows: sample.perClient.map((p) => [
      String(p.client),
      `${Math.round(p.requestShare * 100)}%`,
      p.thinkMs.toFixed(1),
      p.subscribed ? 'yes' : 'no',
      String(p.requests),
      String(p.sends),
      String(p.pushes),
      p.latencyP50Us === undefined ? '-' : formatMicros(p.latencyP50Us),
      p.latencyP99Us === undefined ? '-' : formatMicros(p.latencyP99Us),
      String(p.errors),
    ]),
  };
}

function firstLine(text: string | undefined): string {
  return (text ?? 'unknown error').split('\n')[0]!.slice(0, 160);
}

/** Aligned plain-text rendering for the console. */
export function renderText(table: Table): string {
  const all = [table.header, ...table.rows];
  const widths = table.header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((v, i) =>
        table.align[i] === 'right' ? (v ?? '').padStart(widths[i]!) : (v ?? '').padEnd(widths[i]!),
      )
      .join('  ')
      .trimEnd();
  const out = [
    table.title,
    line(table.header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...table.rows.map(line),
  ];
  for (const note of table.notes ?? []) out.push(`  ${note}`);
  return out.join('\n');
}

/** GitHub-flavoured Markdown rendering. */
export function renderMarkdownTable(table: Table): string {
  const esc = (v: string) => v.replace(/\|/g, '\\|');
  const out = [
    `| ${table.header.map(esc).join(' | ')} |`,
    `| ${table.align.map((a) => (a === 'right' ? '---:' : ':---')).join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map((v) => esc(v ?? '')).join(' | ')} |`),
  ];
  for (const note of table.notes ?? []) out.push('', `_${note}_`);
  return out.join('\n');
}

/** The codec suite's own targets (bp's codec against the hand-written one), when it reports them. */
export function codecTargetTable(run: RunResult): Table | undefined {
  const targets = (run.codec?.raw as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(targets) || targets.length === 0) return undefined;
  return {
    title: "codec: the codec suite's targets",
    header: ['target', 'measured', 'status'],
    align: ['left', 'left', 'left'],
    rows: targets.map((t: { description?: unknown; detail?: unknown; pass?: unknown }) => [
      String(t.description ?? ''),
      String(t.detail ?? ''),
      t.pass === true ? 'met' : 'missed',
    ]),
  };
}
