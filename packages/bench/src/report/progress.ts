/**
 * A one-line progress display on stderr, drawn only when stderr is a terminal (CI logs and
 * `--json` runs stay clean).
 */
export class Progress {
  private done = 0;
  private total = 0;
  private label = '';
  private readonly startedAt = Date.now();
  private readonly enabled: boolean;

  constructor(enabled = process.stderr.isTTY === true) {
    this.enabled = enabled;
  }

  /** Adds units of work still to come. */
  plan(units: number): void {
    this.total += units;
    this.draw();
  }

  /** Names what is running now. */
  status(label: string): void {
    this.label = label;
    this.draw();
  }

  /** One unit is done. */
  tick(): void {
    this.done++;
    this.draw();
  }

  /** Clears the line. */
  finish(): void {
    if (this.enabled) process.stderr.write('\r\x1b[2K');
  }

  private draw(): void {
    if (!this.enabled) return;
    const pct = this.total === 0 ? 0 : Math.floor((this.done / this.total) * 100);
    const seconds = Math.round((Date.now() - this.startedAt) / 1000);
    const width = Math.max(20, (process.stderr.columns ?? 80) - 1);
    const line = `[${String(pct).padStart(3)}%] ${this.done}/${this.total} ${seconds}s  ${this.label}`;
    process.stderr.write(`\r\x1b[2K${line.slice(0, width)}`);
  }
}
