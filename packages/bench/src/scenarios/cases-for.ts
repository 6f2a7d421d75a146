import type { BenchmarkType, BenchOptions } from '../options.js';
import type { CaseSpec } from './case-spec.js';
import { fixedCases } from './fixed.js';
import { idleCases } from './idle.js';
import { realisticCases } from './realistic.js';
import { variableCases } from './variable.js';

/** The cases of one transport benchmark type. */
export function casesFor(type: Exclude<BenchmarkType, 'codec'>, options: BenchOptions): CaseSpec[] {
  if (type === 'fixed') return fixedCases(options);
  if (type === 'variable') return variableCases(options);
  if (type === 'realistic') return realisticCases(options);
  return idleCases(options);
}
