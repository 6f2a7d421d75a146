/** Number formatting shared by the console tables, the Markdown report and the plots. */

/** Bytes with binary units: 16 B, 4 KiB, 1 MiB, 1.5 MiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value)
    ? String(value)
    : value.toFixed(value < 10 ? 2 : 1).replace(/\.?0+$/, '');
  return `${text} ${units[unit]}`;
}

/** Three significant digits with k/M/G suffixes: 1,234,567 -> 1.23M; 0.0123 -> 0.0123. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const suffixes: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, suffix] of suffixes) {
    if (abs >= scale) return `${trim((value / scale).toPrecision(3))}${suffix}`;
  }
  if (abs === 0) return '0';
  if (abs >= 1) return trim(value.toPrecision(3));
  return trim(value.toPrecision(3));
}

/** A ratio as "3.2x" (two significant digits below 10, whole numbers above). */
export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value >= 10 ? `${Math.round(value)}x` : `${trim(value.toPrecision(2))}x`;
}

/** Microseconds as µs, ms or s. */
export function formatMicros(us: number): string {
  if (us >= 1e6) return `${trim((us / 1e6).toPrecision(3))} s`;
  return us >= 1000 ? `${trim((us / 1000).toPrecision(3))} ms` : `${trim(us.toPrecision(3))} µs`;
}

function trim(text: string): string {
  if (text.includes('e')) return text;
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
