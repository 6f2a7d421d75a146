// The benchmarks' one statistic, without Node built-ins (the browser page uses it too).

/** Median of a numeric array (the mean of the two middle values for even lengths). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
