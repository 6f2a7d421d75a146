/**
 * Summary statistics for benchmark samples: the figures a report prints and the spread behind
 * them. Repetitions are few (3-10), so the interval uses Student's t, not the normal
 * approximation, and the median is reported beside the mean because one noisy repetition on a
 * shared machine should not move the headline figure.
 */

/** The statistics behind one reported figure. */
export interface Summary {
  /** Number of samples. */
  n: number;
  median: number;
  mean: number;
  min: number;
  max: number;
  /** Sample standard deviation (n - 1); 0 for a single sample. */
  stddev: number;
  /** 95% confidence interval of the mean (Student's t); equal bounds for a single sample. */
  ci95: [number, number];
  /** (max - min) / median: how far apart the repetitions landed. */
  relSpread: number;
}

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Student's t quantile for a two-sided 95% interval with `df` degrees of freedom. */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) throw new RangeError(`degrees of freedom must be >= 1, got ${df}`);
  if (df <= T_975.length) return T_975[Math.floor(df) - 1]!;
  return 1.96 + 2.4 / df; // close to the table's tail and to 1.96 as df grows
}

/** Sorted copy, ascending. */
export function sorted(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * Percentile by linear interpolation between closest ranks (the same definition as numpy's
 * default), `p` in [0, 100]; `values` must be sorted ascending.
 */
export function percentileOfSorted(values: ArrayLike<number>, p: number): number {
  const n = values.length;
  if (n === 0) throw new RangeError('percentile of no values');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  const rank = (p / 100) * (n - 1);
  const low = Math.floor(rank);
  const high = Math.min(low + 1, n - 1);
  const fraction = rank - low;
  return values[low]! + (values[high]! - values[low]!) * fraction;
}

/** Median of unsorted values. */
export function median(values: ArrayLike<number>): number {
  return percentileOfSorted(sorted(values), 50);
}

/** Summarises samples; throws on an empty list or a non-finite sample. */
export function summarize(values: ArrayLike<number>): Summary {
  const n = values.length;
  if (n === 0) throw new RangeError('summary of no samples');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`sample ${i} is not finite: ${v}`);
    sum += v;
  }
  const order = sorted(values);
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  const stddev = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
  const half = n > 1 ? (tQuantile975(n - 1) * stddev) / Math.sqrt(n) : 0;
  const med = percentileOfSorted(order, 50);
  const min = order[0]!;
  const max = order[n - 1]!;
  return {
    n,
    median: med,
    mean,
    min,
    max,
    stddev,
    ci95: [mean - half, mean + half],
    relSpread: med === 0 ? 0 : (max - min) / Math.abs(med),
  };
}

/** Latency percentiles reported for every request/response figure (microseconds). */
export interface LatencyPercentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Percentiles of latency samples (any unit; the result is in the same unit). */
export function latencyPercentiles(samples: ArrayLike<number>): LatencyPercentiles {
  if (samples.length === 0) throw new RangeError('latency of no samples');
  const order = sorted(samples);
  let sum = 0;
  for (let i = 0; i < order.length; i++) sum += order[i]!;
  return {
    p50: percentileOfSorted(order, 50),
    p95: percentileOfSorted(order, 95),
    p99: percentileOfSorted(order, 99),
    max: order[order.length - 1]!,
    mean: sum / order.length,
  };
}

/** Counts of samples in log-spaced bins: the latency distribution as stored and plotted. */
export interface LogHistogram {
  /** Lower edge of the first bin. */
  min: number;
  /** Bins per factor of 10. */
  binsPerDecade: number;
  /** counts[i] holds samples in [min * 10^(i/binsPerDecade), min * 10^((i+1)/binsPerDecade)). */
  counts: number[];
  /** Samples below `min` (counted in bin 0 as well). */
  underflow: number;
}

/**
 * Bins samples on a log scale; samples below `min` land in the first bin (and are counted in
 * `underflow`), so the counts always add up to the sample count.
 */
export function logHistogram(samples: ArrayLike<number>, min = 1, binsPerDecade = 20): LogHistogram {
  if (!(min > 0)) throw new RangeError('histogram minimum must be positive');
  const counts: number[] = [];
  let underflow = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    let bin = 0;
    if (v < min) underflow++;
    else bin = Math.floor(Math.log10(v / min) * binsPerDecade + 1e-9);
    while (counts.length <= bin) counts.push(0);
    counts[bin]!++;
  }
  return { min, binsPerDecade, counts, underflow };
}

/** Lower and upper edge of one histogram bin. */
export function histogramBinEdges(h: LogHistogram, bin: number): [number, number] {
  return [h.min * 10 ** (bin / h.binsPerDecade), h.min * 10 ** ((bin + 1) / h.binsPerDecade)];
}

/**
 * A ratio between two alternatives measured in the same run: the median of the paired ratios
 * (repetition i of A against repetition i of B, which ran next to each other), with the range.
 */
export interface PairedRatio {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Paired ratios a[i] / b[i]; the shorter list decides how many pairs there are. */
export function pairedRatio(a: ArrayLike<number>, b: ArrayLike<number>): PairedRatio {
  const n = Math.min(a.length, b.length);
  if (n === 0) throw new RangeError('ratio of no pairs');
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!(b[i]! > 0)) throw new RangeError(`ratio denominator ${i} is not positive: ${b[i]}`);
    ratios.push(a[i]! / b[i]!);
  }
  const order = sorted(ratios);
  return { median: percentileOfSorted(order, 50), min: order[0]!, max: order[n - 1]!, n };
}
