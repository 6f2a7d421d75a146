/** Description of one chart: the sensor's label, unit and colour. */
export interface SeriesSpec {
  name: string;
  unit: string;
  color: string;
  digits: number;
}

/**
 * A small canvas line chart over a fixed window of recent points (a ring buffer, so a long-open
 * tab uses constant memory). Drawing happens on animation frames, at most once per frame,
 * however fast readings arrive.
 */
export class SensorChart {
  readonly element: HTMLElement;
  readonly #canvas: HTMLCanvasElement;
  readonly #valueLabel: HTMLElement;
  readonly #spec: SeriesSpec;
  readonly #values: Float64Array;
  #count = 0;
  #next = 0;
  #scheduled = false;

  constructor(spec: SeriesSpec, capacity = 200) {
    this.#spec = spec;
    this.#values = new Float64Array(capacity);
    this.element = document.createElement('figure');
    this.element.className = 'chart';
    this.element.style.margin = '0';
    const header = document.createElement('header');
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = `${spec.name} (${spec.unit})`;
    this.#valueLabel = document.createElement('span');
    this.#valueLabel.className = 'value';
    this.#valueLabel.textContent = '–';
    header.append(name, this.#valueLabel);
    this.#canvas = document.createElement('canvas');
    this.element.append(header, this.#canvas);
  }

  /** The value shown as text next to the chart (read by the browser test). */
  get latestText(): string {
    return this.#valueLabel.textContent ?? '';
  }

  push(value: number): void {
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.#values.length;
    if (this.#count < this.#values.length) this.#count++;
    this.#valueLabel.textContent = value.toFixed(this.#spec.digits);
    if (!this.#scheduled) {
      this.#scheduled = true;
      requestAnimationFrame(() => {
        this.#scheduled = false;
        this.#draw();
      });
    }
  }

  #draw(): void {
    const canvas = this.#canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    ctx.clearRect(0, 0, width, height);
    const n = this.#count;
    if (n === 0) return;
    const capacity = this.#values.length;
    const at = (i: number) => this.#values[(this.#next - n + i + capacity) % capacity]!;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const v = at(i);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    // Some head-room, and a minimum span so a flat line sits mid-chart instead of on an edge.
    const span = Math.max(max - min, Math.abs(max) * 0.01, 0.01);
    min -= span * 0.1;
    max += span * 0.1;
    const pad = 4 * ratio;
    const x = (i: number) => pad + ((width - 2 * pad) * i) / Math.max(capacity - 1, 1);
    const y = (v: number) => height - pad - ((height - 2 * pad) * (v - min)) / (max - min);

    ctx.strokeStyle = '#e5e7eb';
    ctx.lineWidth = 1;
    for (let g = 1; g < 4; g++) {
      const gy = Math.round((height * g) / 4) + 0.5;
      ctx.beginPath();
      ctx.moveTo(0, gy);
      ctx.lineTo(width, gy);
      ctx.stroke();
    }
    ctx.fillStyle = '#6b7785';
    ctx.font = `${10 * ratio}px system-ui, sans-serif`;
    ctx.fillText(max.toFixed(this.#spec.digits), pad, pad + 10 * ratio);
    ctx.fillText(min.toFixed(this.#spec.digits), pad, height - pad);

    ctx.strokeStyle = this.#spec.color;
    ctx.lineWidth = 2 * ratio;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      const px = x(i);
      const py = y(at(i));
      if (i === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    }
    ctx.stroke();
  }
}
