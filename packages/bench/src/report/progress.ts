/** How progress is shown: redrawn in place on a terminal, a plain line per step in logs, or not. */
export type ProgressMode = 'terminal' | 'lines' | 'off';

/** The mode for a run: nothing for `--json` (stdout is for the result), else by stderr's kind. */
export function progressMode(json: boolean, stderrIsTerminal = process.stderr.isTTY === true): ProgressMode {
  if (json) return 'off';
  return stderrIsTerminal ? 'terminal' : 'lines';
}

/**
 * Progress on stderr. On a terminal one line is redrawn in place; elsewhere (CI logs, files) one
 * plain line is written per finished unit with the time left, so a 20-minute run in CI shows that
 * it is alive and how far it got.
 */
export class Progress {
  private done = 0;
  private total = 0;
  private label = '';
  private readonly startedAt: number;

  constructor(
    private readonly mode: ProgressMode = progressMode(false),
    private readonly write: (text: string) => void = (text) => process.stderr.write(text),
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** Adds units of work still to come. */
  plan(units: number): void {
    this.total += units;
    this.redraw();
  }

  /** Names what is running now. */
  status(label: string): void {
    this.label = label;
    this.redraw();
  }

  /** One unit is done. */
  tick(): void {
    this.done++;
    if (this.mode === 'lines') this.write(`bp-bench: ${this.line()}\n`);
    this.redraw();
  }

  /** Clears the terminal line. */
  finish(): void {
    if (this.mode === 'terminal') this.write('\r\x1b[2K');
  }

  /** `12/96 (12%) done, 1m 05s elapsed, about 7m 35s left: fixed rep 1/3: bp-tcp`. */
  line(): string {
    const elapsed = this.now() - this.startedAt;
    const pct = this.total === 0 ? 0 : Math.floor((this.done / this.total) * 100);
    const left =
      this.done === 0 || this.done >= this.total
        ? ''
        : `, about ${formatDuration((elapsed / this.done) * (this.total - this.done))} left`;
    const label = this.label === '' ? '' : `: ${this.label}`;
    return `${this.done}/${this.total} (${pct}%) done, ${formatDuration(elapsed)} elapsed${left}${label}`;
  }

  private redraw(): void {
    if (this.mode !== 'terminal') return;
    const width = Math.max(20, (process.stderr.columns ?? 80) - 1);
    this.write(`\r\x1b[2K${this.line().slice(0, width)}`);
  }
}

/** `45s`, `7m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}
