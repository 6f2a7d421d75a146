import type { CodecOptions, Prettify } from './codec.js';
import type { DecodeLimits } from './decode-limits.js';
import type { DecodeResult } from './engine.js';
import type { FieldDefinition } from './field-definition.js';
import type { ProtocolCodecHooks } from './protocol-codec-hooks.js';
import { StructCodec, structNode } from './struct.js';

type AnyField = FieldDefinition<string, any, any>;
type IsOptional<D extends AnyField> = D['type'] extends { readonly isOptional: true } ? true : false;

/** The value type of a message made of the field definitions `Fs`. */
export type FieldsValue<Fs extends readonly AnyField[]> = Prettify<
  { [D in Fs[number] as IsOptional<D> extends true ? never : D['name']]: D['~value'] } & {
    [D in Fs[number] as IsOptional<D> extends true ? D['name'] : never]?: D['~value'];
  }
>;

/** True when a field has no fixed size: the package's "String or Uint8Array without fixedLength". */
function isVariableField(field: AnyField): boolean {
  if (typeof field.type === 'object' && field.type !== null) return field.type.fixedSize === undefined;
  const node = field.node;
  return (node.kind === 'string' || node.kind === 'bytes') && node.length === undefined;
}

/** The package decodes a fixed-length string up to its first NUL (bp's engines strip only trailing ones). */
function cutAtNul(value: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) {
    const text = value[name] as string;
    const nul = text.indexOf('\0');
    if (nul >= 0) value[name] = text.slice(0, nul);
  }
}

/**
 * A message layout as a list of {@link FieldDefinition}s, in the spelling of the Python
 * `binary_protocol` package, with its bytes. It is a struct codec (same contract as
 * {@link struct}).
 *
 * The structure is *variable* when a String or Uint8Array field has no `fixedLength` (or a DSL
 * codec field has no fixed size). As in the package, every String/Uint8Array field of a variable
 * structure is then written with a `>I` length prefix, `fixedLength` or not; in a fixed structure a
 * fixed-length String decodes up to its first NUL. Unlike the package, a value longer than its
 * `fixedLength` is refused (`EncodeError` `too-long`) instead of silently shifting the bytes after
 * it, and malformed UTF-8 is refused (`DecodeError` `invalid-value`).
 */
export class MessageStructure<const Fs extends readonly AnyField[] = readonly AnyField[]> extends StructCodec<
  FieldsValue<Fs>
> {
  /** The field definitions, in wire order. */
  readonly fields: Fs;
  readonly #variable: boolean;
  readonly #nulTerminated: readonly string[];

  constructor(fields: Fs, options: CodecOptions = {}) {
    const variable = fields.some(isVariableField);
    super(
      structNode(
        fields.map((f) => ({ name: f.name, node: variable ? f.variableNode : f.node })),
        'MessageStructure',
      ),
      options.engine,
    );
    this.fields = fields;
    this.#variable = variable;
    this.#nulTerminated = variable ? [] : fields.filter((f) => f.nulTerminated).map((f) => f.name);
    const names = this.#nulTerminated;
    if (names.length > 0) {
      const self = this as unknown as {
        decode: (source: Uint8Array, offset?: number, limits?: DecodeLimits) => unknown;
        decodeFrom: (
          source: Uint8Array,
          offset: number,
          end: number,
          limits?: DecodeLimits,
        ) => DecodeResult<unknown>;
      };
      const decode = self.decode;
      const decodeFrom = self.decodeFrom;
      self.decode = (source, offset, limits) => {
        const value = decode(source, offset, limits) as Record<string, unknown>;
        cutAtNul(value, names);
        return value;
      };
      self.decodeFrom = (source, offset, end, limits) => {
        const result = decodeFrom(source, offset, end, limits);
        cutAtNul(result.value as Record<string, unknown>, names);
        return result;
      };
    }
  }

  override decodeInto(source: Uint8Array, offset: number, target: FieldsValue<Fs>): FieldsValue<Fs> {
    const value = super.decodeInto(source, offset, target);
    if (this.#nulTerminated.length > 0) cutAtNul(value as Record<string, unknown>, this.#nulTerminated);
    return value;
  }

  /** For ProtocolConfig: a variable structure's payload carries a length; it rebuilds itself. @internal */
  '~protocolHooks'(): ProtocolCodecHooks {
    return {
      lengthPrefixed: this.#variable,
      interpreted: () => new MessageStructure(this.fields, { engine: 'interpreted' }),
    };
  }

  /** The package's `has_variable_length_fields()`: true when a message of this structure carries a length. */
  hasVariableLengthFields(): boolean {
    return this.#variable;
  }

  /** The package's `get_fixed_size()`: payload bytes of a fixed structure; undefined for a variable one. */
  getFixedSize(): number | undefined {
    return this.fixedSize;
  }
}
