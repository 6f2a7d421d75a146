import { type Codec, nodeOf, SchemaCodec } from '../codec.js';
import type { DecodeLimits } from '../decode-limits.js';
import type { DecodeResult, EngineName } from '../engine.js';
import { enableAllKinds } from '../engine-closures.js';
import { compileNode, getDefaultEngine } from '../engine-registry.js';
import { describeNode, type SchemaDescriptor, type SchemaNode } from '../schema-node.js';
import { LARGE } from '../slab.js';
import type { CompatibilityIssue } from './compatibility-issue.js';
import { withoutTrailingSkips } from './decode-tail.js';
import type { DescriptorLimits } from './descriptor-parse.js';
import { SchemaError } from './schema-error.js';
import { matchNodes } from './schema-match.js';
import { subjectOf } from './schema-subject.js';

/** Options of {@link resolve}. */
export interface ResolveOptions {
  /** Bounds on the writer's descriptor (it usually comes from a peer). */
  limits?: DescriptorLimits;
  /** Engine to compile with; defaults to the reader codec's engine. */
  engine?: EngineName;
}

/**
 * A codec that reads and writes the layout of another peer's schema with values shaped by the
 * local one: what {@link resolve} returns. It has the whole {@link Codec} contract; `describe()`
 * is the writer's schema (the layout it speaks). It cannot be a field of a struct.
 */
export class ResolvedCodec<T> implements Codec<T> {
  readonly fixedSize: number | undefined;
  readonly engine: EngineName;
  readonly trustedInput = false;
  readonly encodeInto: (value: T, target: Uint8Array, offset?: number) => number;
  readonly decode: (source: Uint8Array, offset?: number, limits?: DecodeLimits) => T;
  readonly decodeFrom: (
    source: Uint8Array,
    offset: number,
    end: number,
    limits?: DecodeLimits,
  ) => DecodeResult<T>;
  readonly byteLength: (value: T) => number;
  /** @internal */
  declare [LARGE]: boolean;
  readonly #writer: SchemaNode;

  /** @internal */
  constructor(writer: SchemaNode, dec: SchemaNode, enc: SchemaNode, engine: EngineName) {
    // The writer's layout comes from a descriptor (any kind, made by no maker of ours), and
    // resolution adds kinds of its own (defaults, conversions, skips).
    enableAllKinds();
    const decoder = compileNode(dec, engine);
    const trimmed = withoutTrailingSkips(dec);
    const valueDecoder = trimmed === dec ? decoder : compileNode(trimmed, engine);
    const encoder = compileNode(enc, engine);
    // Set here, not as a field: a computed class key keeps the class in every bundle.
    this[LARGE] = false;
    this.#writer = writer;
    this.engine = engine;
    this.fixedSize = encoder.fixedSize;
    this.encodeInto = encoder.encodeInto as never;
    this.byteLength = encoder.byteLength as never;
    this.decode = valueDecoder.decode as never;
    this.decodeFrom = decoder.decodeFrom as never;
  }

  encode(value: T): Uint8Array {
    return SchemaCodec.prototype.encode.call(this, value) as Uint8Array;
  }

  encodeBatchInto(values: readonly T[], target: Uint8Array, offset = 0): number {
    return SchemaCodec.prototype.encodeBatchInto.call(this, values, target, offset);
  }

  describe(): SchemaDescriptor {
    return describeNode(this.#writer);
  }
}

/**
 * Bridges two versions of a schema, once, ahead of time (Avro's writer/reader resolution,
 * compiled): the returned codec's `decode` reads bytes written with the writer's schema and
 * returns values of the reader's shape (defaults filled in, fields only the writer has skipped,
 * numbers widened, renamed fields found by alias, unknown enum members and union variants read
 * as the declared fallback); its `encode`/`encodeInto` write reader-shaped values in the writer's
 * layout, for answering an older peer in its own schema (fields only the writer has get the
 * writer's default or are left absent when optional; a value the writer cannot hold throws
 * `EncodeError`). It compiles like any codec: same engines, zero-allocation `encodeInto`, same
 * decode limits. As every codec's `decode` ignores bytes after the value, a resolved `decode`
 * stops after the last field the reader keeps: fields only the writer has after it are not read
 * or checked. `decodeFrom`, which returns where the value ends, reads and checks them all.
 *
 * `writer` is usually a peer's `describe()` output and is treated as hostile: it is validated and
 * bounded by `options.limits`, and no string from it reaches generated code. Throws
 * {@link SchemaError}: `incompatible-schema` (with `issues`, as {@link checkCompatibility} reports
 * them) when the reader cannot read the writer's data, `invalid-descriptor` or
 * `descriptor-too-large` for a bad descriptor.
 *
 * @example
 * const fromV1 = resolve(peerDescriptor, SensorV2); // peerDescriptor = SensorV1.describe()
 * const reading = fromV1.decode(bytesFromV1Peer);   // { temperature, battery: 100 }
 */
export function resolve<T>(
  writer: SchemaDescriptor | string | Codec<unknown>,
  reader: Codec<T>,
  options: ResolveOptions = {},
): ResolvedCodec<T> {
  const readerNode = nodeOf(reader, 'resolve');
  const subject = subjectOf(writer, options.limits ?? {}, 'resolve writer');
  if (subject.kind !== 'schema') {
    throw new SchemaError(
      'invalid-descriptor',
      'resolve takes one schema descriptor, not a protocol: resolve each message type',
    );
  }
  const issues: CompatibilityIssue[] = [];
  const m = matchNodes(subject.node, readerNode, '', { issues });
  if (m === undefined) {
    const list = issues.map((i) => `${i.path === '' ? '(root)' : i.path} [${i.rule}]`).join(', ');
    throw new SchemaError('incompatible-schema', `cannot read the writer's schema: ${list}`, '', issues);
  }
  return new ResolvedCodec<T>(
    subject.node,
    m.dec,
    m.enc,
    options.engine ?? reader.engine ?? getDefaultEngine(),
  );
}
