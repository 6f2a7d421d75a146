import { exponential, normal } from './prng.js';

/**
 * How message sizes are drawn in the realistic benchmark, parsed from a short command-line
 * spelling:
 * - `fixed:256` - always 256 bytes
 * - `uniform:16:4096` - uniform between the bounds, inclusive
 * - `lognormal:256:1.0` - log-normal with median 256 and sigma 1.0 (a few large messages among
 *   many small ones, which is what telemetry and chat traffic look like)
 * - `exponential:512` - exponential with mean 512
 * Every drawn size is clamped to [1, max].
 */
export type SizeDistribution =
  | { kind: 'fixed'; size: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'lognormal'; median: number; sigma: number }
  | { kind: 'exponential'; mean: number };

/** Parses a distribution spelling; throws a RangeError naming what is wrong. */
export function parseSizeDistribution(text: string): SizeDistribution {
  const [kind, ...rest] = text.split(':');
  const numbers = rest.map((part) => {
    const value = Number(part);
    if (part === '' || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`size distribution "${text}": "${part}" is not a positive number`);
    }
    return value;
  });
  const want = (count: number) => {
    if (numbers.length !== count) {
      throw new RangeError(`size distribution "${text}": ${kind} takes ${count} number(s)`);
    }
  };
  switch (kind) {
    case 'fixed':
      want(1);
      return { kind, size: Math.round(numbers[0]!) };
    case 'uniform':
      want(2);
      if (numbers[0]! > numbers[1]!) throw new RangeError(`size distribution "${text}": min above max`);
      return { kind, min: Math.round(numbers[0]!), max: Math.round(numbers[1]!) };
    case 'lognormal':
      want(2);
      return { kind, median: numbers[0]!, sigma: numbers[1]! };
    case 'exponential':
      want(1);
      return { kind, mean: numbers[0]! };
    default:
      throw new RangeError(
        `size distribution "${text}": unknown kind "${kind}" (fixed, uniform, lognormal, exponential)`,
      );
  }
}

/** Draws one size in bytes, clamped to [1, max]. */
export function drawSize(dist: SizeDistribution, random: () => number, max: number): number {
  let size: number;
  switch (dist.kind) {
    case 'fixed':
      size = dist.size;
      break;
    case 'uniform':
      size = dist.min + Math.floor(random() * (dist.max - dist.min + 1));
      break;
    case 'lognormal':
      size = Math.round(dist.median * Math.exp(dist.sigma * normal(random)));
      break;
    case 'exponential':
      size = Math.round(exponential(random, dist.mean));
      break;
  }
  return Math.min(max, Math.max(1, size));
}

/** The canonical spelling of a distribution (the inverse of parseSizeDistribution). */
export function formatSizeDistribution(dist: SizeDistribution): string {
  switch (dist.kind) {
    case 'fixed':
      return `fixed:${dist.size}`;
    case 'uniform':
      return `uniform:${dist.min}:${dist.max}`;
    case 'lognormal':
      return `lognormal:${dist.median}:${dist.sigma}`;
    case 'exponential':
      return `exponential:${dist.mean}`;
  }
}
