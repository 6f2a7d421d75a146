import { describe, expect, it } from 'vitest';
import { compareRuns, comparisonTable } from '../src/compare.js';
import { formatBytes, formatMicros, formatNumber, formatRatio } from '../src/report/format.js';
import { buildPlots, cumulativePoints, mergeHistograms } from '../src/report/plots.js';
import { formatDuration, Progress, progressMode } from '../src/report/progress.js';
import { renderConsole } from '../src/report/report-console.js';
import { busyWarning, renderReport } from '../src/report/report-markdown.js';
import { renderSummary, summaryTable } from '../src/report/summary-markdown.js';
import {
  caseTable,
  ratioTables,
  renderMarkdownTable,
  renderText,
  targetTable,
} from '../src/report/tables.js';
import { checkTargets } from '../src/targets.js';
import { knownRun } from './fixtures/run-result.js';

describe('format', () => {
  it('writes numbers, bytes, ratios and durations compactly', () => {
    expect(formatNumber(1_234_567)).toBe('1.23M');
    expect(formatNumber(999)).toBe('999');
    expect(formatNumber(12_000)).toBe('12k');
    expect(formatNumber(0.0123)).toBe('0.0123');
    expect(formatBytes(16)).toBe('16 B');
    expect(formatBytes(4096)).toBe('4 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1 << 20)).toBe('1 MiB');
    expect(formatRatio(3.26)).toBe('3.3x');
    expect(formatRatio(42.4)).toBe('42x');
    expect(formatMicros(85.6)).toBe('85.6 µs');
    expect(formatMicros(1860)).toBe('1.86 ms');
    expect(formatMicros(2_500_000)).toBe('2.5 s');
  });
});

describe('ratios and targets', () => {
  it('pairs repetitions: bp-tcp / raw-tcp stream = median(0.9, 0.8, 1.0)', () => {
    const run = knownRun();
    const stream = run.benchmarks[0]!.cases[0]!;
    const ratio = stream.ratios.find((r) => r.other === 'raw-tcp' && r.metric === 'msgsPerSec')!;
    expect(ratio.advantage.median).toBeCloseTo(0.9, 12);
    expect(ratio.advantage.min).toBeCloseTo(0.8, 12);
    expect(ratio.advantage.max).toBeCloseTo(1.0, 12);
  });

  it('turns lower-is-better metrics round: ws-json p50 300 µs vs bp 120 µs is 2.5x for bp', () => {
    const rr = knownRun().benchmarks[0]!.cases[1]!;
    const p50 = rr.ratios.find((r) => r.other === 'ws-json' && r.metric === 'latencyP50Us')!;
    expect(p50.advantage.median).toBeCloseTo(2.5, 12);
    const rawP50 = rr.ratios.find((r) => r.other === 'raw-tcp' && r.metric === 'latencyP50Us')!;
    expect(rawP50.advantage.median).toBeCloseTo(100 / 120, 12);
  });

  it('checks the issue targets against the reference', () => {
    const targets = knownRun().targets;
    const oneWay = targets.find((t) => t.id === 'bp-tcp/one-way')!;
    expect(oneWay.ratio?.median).toBeCloseTo(0.9, 12);
    expect(oneWay.status).toBe(oneWay.ratio!.median >= 0.9 ? 'met' : 'missed'); // the limit is >= 0.9
    const p50 = targets.find((t) => t.id === 'bp-tcp/p50-c1')!;
    expect(p50.ratio?.median).toBeCloseTo(1.2, 12);
    expect(p50.status).toBe('met'); // 1.2 <= 1.25
    expect(targets.find((t) => t.id === 'bp-tcp/rr-c64')!.status).toBe('not-run');
    expect(targets.find((t) => t.id === 'bp-tls/rr-c64')!.status).toBe('not-run');
    // Held over TCP only, as the table states them.
    expect(targets.find((t) => t.id === 'bp-tls/one-way')).toBeUndefined();
    const idle = targets.find((t) => t.id === 'bp-tcp/idle-memory')!;
    expect(idle.limit).toEqual({ max: 1.3 });
  });
});

describe('tables', () => {
  it('prints every alternative with its median, spread, interval and n', () => {
    const run = knownRun();
    const table = caseTable(run, run.benchmarks[0]!.cases[0]!);
    const bp = table.rows.find((r) => r[0] === 'bp (TCP)')!;
    expect(bp[1]).toBe('900k');
    expect(bp[table.header.indexOf('spread')]).toBe('22%'); // (1000k - 800k) / 900k
    expect(bp[table.header.indexOf('n')]).toBe('3');
    expect(bp[table.header.indexOf('95% CI msgs/s')]).toMatch(/^652k-1.15M$/);
    const text = renderText(table);
    expect(text.split('\n')[1]).toContain('alternative');
    const md = renderMarkdownTable(table);
    expect(md.split('\n')[1]).toMatch(/^\| :--- \| ---: \|/);
  });

  it('lays out ratios with bp in the title and alternatives as columns', () => {
    const run = knownRun();
    const [table] = ratioTables(run, run.benchmarks[0]!);
    expect(table!.title).toContain('bp (TCP)');
    expect(table!.header).toEqual(['case / metric', 'hand-written framing (TCP)', 'WebSocket + JSON (ws)']);
    const row = table!.rows.find((r) => r[0] === 'fixed/sensor/rr-c1 p50')!;
    expect(row[2]).toBe('2.5x (2.5x-2.5x)');
  });

  it('renders targets with their limits and status', () => {
    const rows = targetTable(knownRun()).rows;
    const oneWay = rows.find((r) => r[0]!.startsWith('SENSOR (16-byte) one-way stream'))!;
    expect(oneWay.slice(1, 5)).toEqual(['bp-tcp / raw-tcp', '0.90', '0.80-1.00', '>= 0.9']);
    expect(['met', 'missed']).toContain(oneWay[5]);
    const p50 = rows.find((r) => r[0]!.startsWith('p50 latency'))!;
    expect(p50.slice(2)).toEqual(['1.20', '1.20-1.20', '<= 1.25', 'met']);
  });
});

describe('busy warning', () => {
  it('warns on load before the run, or on more load after it than the run itself makes', () => {
    const run = knownRun();
    const at = (before: number, after: number) =>
      busyWarning({
        ...run,
        machine: { ...run.machine, loadAverageBefore: before, loadAverageAfter: after },
      });
    expect(at(0.8, 1.9)).toBeUndefined();
    expect(at(1.2, 1.9)).toContain('1.2 before');
    expect(at(0.5, 2.7)).toContain('2.7 after');
  });
});

describe('report', () => {
  it('embeds the plots and holds the tables', () => {
    const run = {
      ...knownRun(),
      plots: [{ file: 'comparison.png', title: 'Bars', width: 960, height: 400 }],
    };
    const md = renderReport(run);
    expect(md).toContain('![Bars](comparison.png)');
    expect(md).toContain('## Targets');
    expect(md).toContain('### fixed/sensor/stream: SENSOR stream');
    expect(md).toContain('| bp (TCP) | 900k |');
  });
});

describe('plots', () => {
  it('builds the plots the data supports, as SVG of the stated size', () => {
    const plots = buildPlots(knownRun());
    const files = plots.map((p) => p.file);
    expect(files).toEqual([
      'comparison.png',
      'latency-distribution.png',
      'resources-cpu.png',
      'resources-memory.png',
    ]);
    for (const plot of plots) {
      expect(plot.svg).toContain(`width="${plot.width}" height="${plot.height}"`);
    }
    const bars = plots[0]!.svg.match(/<rect x="[\d.]+" y="\d+" width="[\d.]+" height="14"/g) ?? [];
    expect(bars).toHaveLength(5); // 2 stream + 3 request/response
  });

  it('merges repetitions and accumulates to 100%', () => {
    const h = mergeHistograms([
      { min: 1, binsPerDecade: 1, counts: [1, 1], underflow: 0 },
      { min: 1, binsPerDecade: 1, counts: [0, 0, 2], underflow: 0 },
    ])!;
    expect(h.counts).toEqual([1, 1, 2]);
    const points = cumulativePoints(h);
    expect(points.map((p) => p[1])).toEqual([25, 50, 100]);
    expect(points[2]![0]).toBeCloseTo(1000, 9);
  });
});

describe('compare', () => {
  it('reports what changed between two runs, beyond noise or not', () => {
    const a = knownRun();
    const b = knownRun();
    const raw = b.benchmarks[0]!.cases[0]!.results[1]!;
    raw.summary.msgsPerSec = {
      ...raw.summary.msgsPerSec!,
      median: 2_000_000,
      min: 1_900_000,
      max: 2_100_000,
    };
    const figures = compareRuns(a, b);
    const changed = figures.find((f) => f.caseId === 'fixed/sensor/stream' && f.competitor === 'raw-tcp')!;
    expect(changed.change).toBeCloseTo(1, 12);
    expect(changed).toMatchObject({ improved: true, beyondNoise: true });
    const same = figures.find((f) => f.competitor === 'bp-tcp' && f.metric === 'msgsPerSec')!;
    expect(same).toMatchObject({ change: 0, beyondNoise: false });
    const table = comparisonTable(figures, 'a.json', 'b.json');
    expect(table.rows[0]!.slice(0, 2)).toEqual(['fixed/sensor/stream', 'raw-tcp']);
    expect(table.rows[0]![6]).toBe('better');
  });

  it('judges no change from fewer than three repetitions, however far apart the figures are', () => {
    const a = knownRun();
    const b = knownRun();
    const raw = b.benchmarks[0]!.cases[0]!.results[1]!;
    raw.summary.msgsPerSec = { ...raw.summary.msgsPerSec!, n: 1, median: 9e6, min: 9e6, max: 9e6 };
    const figure = compareRuns(a, b).find(
      (f) => f.caseId === 'fixed/sensor/stream' && f.competitor === 'raw-tcp' && f.metric === 'msgsPerSec',
    )!;
    expect(figure).toMatchObject({ repetitions: [3, 1], beyondNoise: false });
    const table = comparisonTable([figure], 'a.json', 'b.json');
    expect(table.rows[0]![6]).toBe('too few repetitions');
  });
});

describe('progress', () => {
  it('writes a plain line per finished unit with the time left when not on a terminal', () => {
    let now = 0;
    const written: string[] = [];
    const progress = new Progress(
      'lines',
      (t) => written.push(t),
      () => now,
    );
    progress.plan(4);
    progress.status('fixed rep 1/3: bp-tcp');
    now = 30_000;
    progress.tick();
    expect(written).toEqual([
      'bp-bench: 1/4 (25%) done, 30s elapsed, about 1m 30s left: fixed rep 1/3: bp-tcp\n',
    ]);
    now = 125_000;
    for (let i = 0; i < 3; i++) progress.tick();
    expect(written.at(-1)).toBe('bp-bench: 4/4 (100%) done, 2m 05s elapsed: fixed rep 1/3: bp-tcp\n');
    progress.finish();
    expect(written).toHaveLength(4);
  });

  it('redraws one terminal line in place, and is silent when off', () => {
    const terminal: string[] = [];
    const t = new Progress(
      'terminal',
      (x) => terminal.push(x),
      () => 0,
    );
    t.plan(2);
    t.tick();
    expect(terminal.every((x) => x.startsWith('\r\x1b[2K'))).toBe(true);
    const off: string[] = [];
    const o = new Progress('off', (x) => off.push(x));
    o.plan(1);
    o.tick();
    o.finish();
    expect(off).toEqual([]);
    expect(progressMode(true, true)).toBe('off');
    expect(progressMode(false, false)).toBe('lines');
    expect(progressMode(false, true)).toBe('terminal');
    expect(formatDuration(3_725_000)).toBe('1h 02m');
  });
});

describe('smoke runs', () => {
  it('judge no target: a --quick run computes the ratios but marks every target that ran not-judged', () => {
    const run = knownRun();
    const quick = checkTargets(run.benchmarks, true);
    const full = checkTargets(run.benchmarks, false);
    expect(quick.map((t) => t.ratio)).toEqual(full.map((t) => t.ratio));
    for (const [i, t] of quick.entries()) {
      expect(t.status).toBe(full[i]!.status === 'not-run' ? 'not-run' : 'not-judged');
    }
    const smoke = { ...run, options: { ...run.options, quick: true }, targets: quick };
    const report = renderReport(smoke);
    expect(report).toContain('smoke run (--quick)');
    expect(report).not.toMatch(/\b(met|missed)\b/);
    expect(report).not.toContain('against each alternative');
    expect(renderReport(run)).toContain('against each alternative');
  });

  it('print the codec suite operations per second without their ratios to the hand-written codec', () => {
    const rows = [
      {
        library: 'hand-written',
        message: 'SENSOR',
        operation: 'encodeInto',
        opsPerSec: 2e8,
        vsHandWritten: 1,
      },
      { library: 'bp', message: 'SENSOR', operation: 'encodeInto', opsPerSec: 1.66e8, vsHandWritten: 0.83 },
    ];
    const full = { ...knownRun(), codec: { status: 'ok' as const, rows, raw: {} } };
    const smoke = { ...full, options: { ...full.options, quick: true } };
    for (const render of [renderReport, (r: typeof full) => renderConsole(r, 'out')]) {
      expect(render(full)).toContain('vs hand-written');
      expect(render(full)).toContain('0.83x');
      expect(render(smoke)).toContain('166M');
      expect(render(smoke)).not.toContain('vs hand-written');
      expect(render(smoke)).not.toContain('0.83x');
    }
  });
});

describe('summary', () => {
  it('puts each alternative on one row with the headline figures', () => {
    const table = summaryTable(knownRun());
    const bp = table.rows.find((r) => r[0] === 'bp (TCP)')!;
    expect(bp).toEqual(['bp (TCP)', '8k', '120 µs', '400 µs', '-', '-', '-', '900k', '-']);
    expect(table.rows.map((r) => r[0])).toEqual([
      'bp (TCP)',
      'hand-written framing (TCP)',
      'WebSocket + JSON (ws)',
    ]);
  });

  it('links the chosen plots under the image folder and names the command', () => {
    const run = {
      ...knownRun(),
      plots: [
        { file: 'comparison.png', title: 'Bars', width: 960, height: 400 },
        { file: 'resources-cpu.png', title: 'CPU', width: 960, height: 540 },
      ],
    };
    const failed = run.benchmarks[0]!.cases[1]!.results[2]!;
    failed.failedRepetitions = 1;
    failed.error = 'rr-c1 did not finish within 20000 ms\nstack';
    const md = renderSummary(run, { command: 'bp-bench --all', imageDir: 'img' });
    expect(md).toContain(
      '- ws-json in fixed/sensor/rr-c1: 1 of 4 repetition(s) failed: rr-c1 did not finish within 20000 ms\n',
    );
    expect(md).toContain('`bp-bench --all`');
    expect(md).toContain('![Bars](img/bench-comparison.png)');
    expect(md).not.toContain('resources-cpu');
    expect(md).toContain('| bp (TCP) | 8k | 120 µs |');
  });

  it("records the codec suite's verdicts under the targets, and no verdict of a smoke run", () => {
    const targets = [
      {
        description: 'SENSOR encodeInto (closures) at least 60% of the hand-written codec',
        detail: '83% of hand-written (rounds 82%-86%)',
        pass: true,
      },
      {
        description: 'BLOB-64K encode at least as fast as the fastest library',
        detail: '96% of avsc',
        pass: false,
      },
    ];
    const run = { ...knownRun(), codec: { status: 'ok' as const, rows: [], raw: { targets } } };
    const md = renderSummary(run, { command: 'bp-bench --all', imageDir: 'img' });
    const codecAt = md.indexOf("### codec: the codec suite's targets");
    expect(codecAt).toBeGreaterThan(md.indexOf('## Targets'));
    expect(md.indexOf('| target | pair |')).toBeLessThan(codecAt);
    expect(md.slice(codecAt)).toContain(
      '| SENSOR encodeInto (closures) at least 60% of the hand-written codec | 83% of hand-written (rounds 82%-86%) | met |',
    );
    expect(md.slice(codecAt)).toContain(
      '| BLOB-64K encode at least as fast as the fastest library | 96% of avsc | missed |',
    );
    expect(renderSummary(knownRun(), { command: 'bp-bench --all', imageDir: 'img' })).not.toContain(
      '### codec',
    );
    const smoke = { ...run, options: { ...run.options, quick: true } };
    const smokeMd = renderSummary(smoke, { command: 'bp-bench --all --quick', imageDir: 'img' });
    expect(smokeMd).not.toContain('### codec');
    expect(smokeMd).not.toMatch(/\b(met|missed)\b/);
  });
});
