import type { CodecOptions, Prettify } from './codec.js';
import type { FieldDefinition } from './field-definition.js';
import { StructCodec, structNode } from './struct.js';

type AnyField = FieldDefinition<string, any, any>;
type IsOptional<D extends AnyField> = D['type'] extends { readonly isOptional: true } ? true : false;

/** The value type of a message made of the field definitions `Fs`. */
export type FieldsValue<Fs extends readonly AnyField[]> = Prettify<
  { [D in Fs[number] as IsOptional<D> extends true ? never : D['name']]: D['~value'] } & {
    [D in Fs[number] as IsOptional<D> extends true ? D['name'] : never]?: D['~value'];
  }
>;

/**
 * A message layout as a list of {@link FieldDefinition}s, in the spelling of the Python
 * `binary_protocol` package. It is a struct codec (same contract as {@link struct}).
 */
export class MessageStructure<const Fs extends readonly AnyField[] = readonly AnyField[]> extends StructCodec<
  FieldsValue<Fs>
> {
  /** The field definitions, in wire order. */
  readonly fields: Fs;

  constructor(fields: Fs, options: CodecOptions = {}) {
    super(
      structNode(
        fields.map((f) => ({ name: f.name, node: f.node })),
        'MessageStructure',
      ),
      options.engine,
    );
    this.fields = fields;
  }
}
