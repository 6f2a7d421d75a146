import { ALL_PRIMITIVES } from './closure-primitives.js';
import { type Codec, nodeOf } from './codec.js';
import { enableBytes, enablePrimitives, enableStrings } from './engine-closures.js';
import { BpError } from './errors.js';
import { type FormatValue, formatNode } from './format.js';
import type { SchemaNode } from './schema-node.js';

/** What the second argument of a {@link FieldDefinition} may be: a JavaScript type or a codec. */
export type FieldType =
  | NumberConstructor
  | StringConstructor
  | BooleanConstructor
  | BigIntConstructor
  | Uint8ArrayConstructor
  | Codec<any>;

/** The value type of a field declared with type `K` and format string `F`. */
export type FieldValue<K, F> =
  K extends Codec<infer T>
    ? T
    : K extends StringConstructor
      ? string
      : K extends BooleanConstructor
        ? boolean
        : K extends BigIntConstructor
          ? bigint
          : K extends Uint8ArrayConstructor
            ? Uint8Array
            : K extends NumberConstructor
              ? F extends string
                ? FormatValue<F>
                : number
              : never;

/** Options of a {@link FieldDefinition}, named as in the Python `binary_protocol` package. */
export interface FieldOptions<F extends string | undefined = string | undefined> {
  /** A one-value Python `struct` format such as `'>f'`, `'>I'`, `'<q'` or `'>8s'`. */
  formatString?: F;
  /** For String and Uint8Array fields: exactly this many bytes, zero-padded. */
  fixedLength?: number;
}

function fieldNode(name: string, type: FieldType, options: FieldOptions): SchemaNode {
  const where = `FieldDefinition ${name}`;
  const { formatString, fixedLength } = options;
  const bad = (why: string): never => {
    throw new BpError('invalid-format', `${where}: ${why}`);
  };
  if (typeof type === 'object' && type !== null) {
    if (formatString !== undefined || fixedLength !== undefined)
      bad('a codec type takes no formatString or fixedLength');
    return nodeOf(type, where);
  }
  const fromFormat = formatString === undefined ? undefined : formatNode(formatString);
  if (fixedLength !== undefined && !(Number.isInteger(fixedLength) && fixedLength >= 0)) {
    bad(`fixedLength must be a non-negative integer, got ${fixedLength}`);
  }
  // Number, Boolean and BigInt fields are primitives of any kind (f64, bool, i64, or a format's).
  enablePrimitives(ALL_PRIMITIVES);
  switch (type) {
    case Number:
      if (fixedLength !== undefined) bad('fixedLength applies to String and Uint8Array fields');
      return fromFormat ?? { kind: 'prim', name: 'f64' };
    case String:
      enableStrings();
      if (fromFormat !== undefined) {
        if (fromFormat.kind !== 'bytes')
          return bad(`a String field's format must be 'Ns', got ${formatString}`);
        return { kind: 'string', length: fromFormat.length, prefix: 4, fatal: true };
      }
      // fatal: the package raises on malformed UTF-8 (and closes the connection); so does bp.
      return { kind: 'string', length: fixedLength, prefix: 4, fatal: true };
    case Boolean:
      if (fromFormat !== undefined && !(fromFormat.kind === 'prim' && fromFormat.name === 'bool')) {
        bad(`a Boolean field's format must be '?', got ${formatString}`);
      }
      return { kind: 'prim', name: 'bool' };
    case BigInt:
      if (fromFormat === undefined) return { kind: 'prim', name: 'i64' };
      if (fromFormat.kind !== 'prim' || !/^[ui]64/.test(fromFormat.name)) {
        bad(`a BigInt field's format must be 'q' or 'Q', got ${formatString}`);
      }
      return fromFormat;
    case Uint8Array:
      enableBytes();
      if (fromFormat !== undefined) {
        if (fromFormat.kind !== 'bytes') bad(`a Uint8Array field's format must be 'Ns', got ${formatString}`);
        return fromFormat;
      }
      return { kind: 'bytes', length: fixedLength, prefix: 4, copy: false };
    default:
      return bad('type must be Number, String, Boolean, BigInt, Uint8Array or a codec');
  }
}

/**
 * One field of a {@link MessageStructure}, in the spelling of the Python `binary_protocol`
 * package. Number fields take a Python `struct` format (`'>f'`, `'>I'`...; default `'>d'`, a
 * float64); String fields are length-prefixed (u32 big-endian) unless `fixedLength` is given.
 * As in the package, `fixedLength` only holds in a fixed structure: in a structure that also has
 * a length-prefixed String/Uint8Array field, every String/Uint8Array field is length-prefixed.
 *
 * @example
 * new FieldDefinition('status_code', Number, { formatString: '>I' })
 * new FieldDefinition('tag', String, { fixedLength: 8 })
 */
export class FieldDefinition<
  const N extends string = string,
  const K extends FieldType = FieldType,
  const F extends string | undefined = undefined,
> {
  /** The field name (the key in the value object). */
  readonly name: N;
  /** The declared type. */
  readonly type: K;
  /** The format string, if any. */
  readonly formatString: F;
  /** The fixed length, if any. */
  readonly fixedLength: number | undefined;
  /** Phantom: the field's value type. */
  declare readonly '~value': FieldValue<K, F>;
  /** @internal The field's node in a fixed structure (`fixedLength` honoured). */
  readonly node: SchemaNode;
  /**
   * @internal The field's node in a variable structure: the package ignores `fixedLength` there
   * and writes every String/Uint8Array field with a `>I` length prefix.
   */
  readonly variableNode: SchemaNode;
  /** @internal A String field of fixed length: decodes up to its first NUL, as the package does. */
  readonly nulTerminated: boolean;

  constructor(name: N, type: K, options: FieldOptions<F> = {}) {
    if (typeof name !== 'string' || name === '')
      throw new TypeError('FieldDefinition: name must be a non-empty string');
    this.name = name;
    this.type = type;
    this.formatString = options.formatString as F;
    this.fixedLength = options.fixedLength;
    this.node = fieldNode(name, type, options);
    const node = this.node;
    if (
      (node.kind === 'string' || node.kind === 'bytes') &&
      node.length !== undefined &&
      (type === String || type === Uint8Array)
    ) {
      this.variableNode = { ...node, length: undefined };
      this.nulTerminated = node.kind === 'string';
    } else {
      this.variableNode = node;
      this.nulTerminated = false;
    }
  }
}
