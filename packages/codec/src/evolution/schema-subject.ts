import { NODE, nodeOf } from '../codec.js';
import { DEFAULT_MAX_PAYLOAD } from '../protocol-config.js';
import type { SchemaNode } from '../schema-node.js';
import {
  type DescriptorLimits,
  type ParsedProtocol,
  parseProtocolDescriptor,
  parseSchemaDescriptor,
} from './descriptor-parse.js';
import { SchemaError } from './schema-error.js';

/** What `checkCompatibility` compares: one schema, or a protocol's types. */
export type Subject =
  | { readonly kind: 'schema'; readonly node: SchemaNode }
  | ({ readonly kind: 'protocol' } & ParsedProtocol);

interface ProtocolLike {
  readonly headerFormat: string;
  messageTypes(): readonly number[];
  codecFor(type: number): unknown;
  typeName(type: number): string | undefined;
}

function isProtocol(x: unknown): x is ProtocolLike {
  const p = x as Partial<ProtocolLike> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.messageTypes === 'function' &&
    typeof p.codecFor === 'function' &&
    typeof p.headerFormat === 'string'
  );
}

/**
 * A codec, a `ProtocolConfig`, or a `describe()` output of either (an object or JSON text) as
 * something to compare. Descriptors are checked and bounded by `limits` (they may come from a peer).
 */
export function subjectOf(x: unknown, limits: DescriptorLimits, where: string): Subject {
  if (typeof x === 'object' && x !== null && NODE in x) return { kind: 'schema', node: nodeOf(x, where) };
  if (isProtocol(x)) {
    const types = new Map<number, { name: string | undefined; node: SchemaNode }>();
    for (const type of x.messageTypes())
      types.set(type, { name: x.typeName(type), node: nodeOf(x.codecFor(type), where) });
    return { kind: 'protocol', headerFormat: x.headerFormat, types };
  }
  let parsed = x;
  if (typeof x === 'string') {
    const max = limits.maxBytes ?? DEFAULT_MAX_PAYLOAD;
    if (x.length > max) {
      throw new SchemaError(
        'descriptor-too-large',
        `${where}: the descriptor text is ${x.length} long, maxBytes is ${max}`,
      );
    }
    try {
      parsed = JSON.parse(x);
    } catch (e) {
      throw new SchemaError('invalid-descriptor', `${where}: not valid JSON`, '', [], { cause: e });
    }
  }
  if (typeof parsed === 'object' && parsed !== null && Object.hasOwn(parsed, 'headerFormat')) {
    return { kind: 'protocol', ...parseProtocolDescriptor(parsed, limits) };
  }
  return { kind: 'schema', node: parseSchemaDescriptor(parsed, limits) };
}
