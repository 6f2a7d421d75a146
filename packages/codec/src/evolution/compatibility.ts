import type { CompatibilityIssue, CompatibilityReport } from './compatibility-issue.js';
import type { DescriptorLimits } from './descriptor-parse.js';
import { SchemaError } from './schema-error.js';
import { matchNodes } from './schema-match.js';
import { subjectOf } from './schema-subject.js';

/** Options of {@link checkCompatibility}. */
export interface CompatibilityOptions {
  /** Bounds on descriptors given as JSON (they may come from a peer). */
  limits?: DescriptorLimits;
}

/**
 * Can a peer whose schema is `reader` read what a peer with schema `writer` wrote? Each side may
 * be a codec, a `ProtocolConfig`, or the `describe()` output of either (an object or JSON text;
 * descriptors are validated and bounded, see {@link DescriptorLimits}). Two protocols are compared
 * type by type; a message type only one side has is not an issue.
 *
 * The rules, Avro's adapted to bp: struct fields match by name, then by alias (`withAliases`); a
 * field only the reader has needs `withDefault` or `optional`; a field only the writer has is
 * skipped; numbers may widen when no value is lost (u8 -> u16 -> u32 -> u64, i8 -> ... -> i64,
 * uN -> i2N, small integers -> floats that hold them exactly, f32 -> f64), and byte order may
 * change; a value may become `optional`; enum members and union variants the reader lacks need
 * a declared `fallback`; arrays, optionals, structs and unions are compared recursively; a fixed
 * length must stay the same, and a length prefix may only widen.
 *
 * For "each side reads the other" (a full check) call it both ways. Throws {@link SchemaError}
 * only for a malformed or oversized descriptor, or a schema compared with a protocol.
 *
 * @example
 * const report = checkCompatibility(SensorV1, SensorV2);
 * if (!report.compatible) for (const i of report.issues) console.log(i.path, i.rule, i.message);
 */
export function checkCompatibility(
  writer: unknown,
  reader: unknown,
  options: CompatibilityOptions = {},
): CompatibilityReport {
  const limits = options.limits ?? {};
  const w = subjectOf(writer, limits, 'checkCompatibility writer');
  const r = subjectOf(reader, limits, 'checkCompatibility reader');
  const issues: CompatibilityIssue[] = [];
  if (w.kind === 'schema' && r.kind === 'schema') {
    matchNodes(w.node, r.node, '', { issues });
  } else if (w.kind === 'protocol' && r.kind === 'protocol') {
    if (w.headerFormat !== r.headerFormat) {
      issues.push({
        path: '',
        rule: 'header-format',
        message: `the writer's headers are ${JSON.stringify(w.headerFormat.slice(0, 20))} and the reader's ${JSON.stringify(r.headerFormat)}: both sides need the same headerFormat`,
      });
    }
    for (const [type, mine] of r.types) {
      const theirs = w.types.get(type);
      if (theirs === undefined) continue;
      const found: CompatibilityIssue[] = [];
      matchNodes(theirs.node, mine.node, '', { issues: found });
      const typeName = mine.name ?? theirs.name;
      const label = typeName ?? `type ${type}`;
      for (const i of found) {
        issues.push({
          type,
          ...(typeName === undefined ? {} : { typeName }),
          path: i.path,
          rule: i.rule,
          message: `${label}: ${i.message}`,
        });
      }
    }
  } else {
    throw new SchemaError(
      'invalid-descriptor',
      'checkCompatibility compares a schema with a schema or a protocol with a protocol, not one with the other',
    );
  }
  return { compatible: issues.length === 0, issues };
}
