/**
 * Stable names of the rules {@link checkCompatibility} applies. Each names one way a reader can
 * fail to read what a writer wrote.
 */
export type CompatibilityRule =
  /** The two sides declare different kinds of value here (a string against a number, a struct against an array). */
  | 'type-changed'
  /** A number type the reader cannot hold every writer value in (u32 -> u16, i64 -> f64, f64 -> f32, u8 -> i8). */
  | 'number-narrowed'
  /** The writer may leave the value out (`optional`) and the reader may not. */
  | 'optional-to-required'
  /** A reader field the writer's schema lacks, with no `withDefault` and not optional. */
  | 'missing-default'
  /** A writer enum member the reader lacks, and the reader's enum declares no fallback. */
  | 'enum-member-unknown'
  /** A writer union variant the reader lacks, and the reader's union declares no fallback. */
  | 'union-variant-unknown'
  /** A fixed length or count the reader cannot hold (fixed sizes differ, or variable becomes fixed). */
  | 'fixed-length'
  /** A length prefix narrower than the writer's (strings or bytes the reader's prefix cannot count). */
  | 'length-prefix'
  /** The message headers differ (`headerFormat`), so no message of one side parses on the other. */
  | 'header-format';

/** One breaking difference between a writer's and a reader's schema. */
export interface CompatibilityIssue {
  /** The message type, when protocols were compared. */
  readonly type?: number;
  /** The message type's name, when the protocol names it. */
  readonly typeName?: string;
  /** Field path in the reader's terms: `status.message`, `items[]`, `shape<circle>.r`; '' for the root. */
  readonly path: string;
  readonly rule: CompatibilityRule;
  /** What differs and what to do about it. */
  readonly message: string;
}

/** Result of {@link checkCompatibility}. */
export interface CompatibilityReport {
  /** True when the reader can read everything the writer writes. */
  readonly compatible: boolean;
  /** One entry per breaking difference (empty when compatible). */
  readonly issues: readonly CompatibilityIssue[];
}
