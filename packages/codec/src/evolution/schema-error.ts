import { BpError, type BpErrorOptions } from '../errors.js';
import type { CompatibilityIssue } from './compatibility-issue.js';

/** Codes a {@link SchemaError} can carry. */
export type SchemaErrorCode =
  /** A schema descriptor (usually a peer's) is not a well-formed `describe()` output. */
  | 'invalid-descriptor'
  /** A descriptor exceeds a bound of {@link DescriptorLimits}: its size, depth, node count or a name length. */
  | 'descriptor-too-large'
  /** `resolve` was asked to bridge two schemas that {@link checkCompatibility} finds incompatible. */
  | 'incompatible-schema';

/**
 * Thrown when a schema descriptor is refused or two schemas cannot be resolved. `path` names the
 * place in the descriptor (`fields[2].schema.item`) or in the value (`status.message`).
 */
export class SchemaError extends BpError {
  static override readonly brand: string = '@bp/codec:SchemaError';
  declare readonly code: SchemaErrorCode;
  /** Where in the descriptor or schema the problem is, '' at the root. */
  readonly path: string;
  /** For `incompatible-schema`: every breaking difference. */
  readonly issues: readonly CompatibilityIssue[];

  constructor(
    code: SchemaErrorCode,
    detail: string,
    path = '',
    issues: readonly CompatibilityIssue[] = [],
    options?: BpErrorOptions,
  ) {
    super(code, path === '' ? detail : `${path}: ${detail}`, options);
    this.path = path;
    this.issues = issues;
  }
}
