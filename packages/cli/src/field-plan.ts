/**
 * The field plan: every Wireshark field of a protocol, named once. The Lua dissector is generated
 * from it and `bp decode` walks it, so the two cannot disagree about a field's name or type.
 */
import {
  bool,
  type Codec,
  f32,
  f32le,
  f64,
  f64le,
  i8,
  i16,
  i16le,
  i32,
  i32le,
  i64,
  i64le,
  type PrimitiveName,
  type ProtocolDescriptor,
  type SchemaDescriptor,
  u8,
  u16,
  u16le,
  u32,
  u32le,
  u64,
  u64le,
} from '@bp/codec';
import { reservedNames } from './frame-fields.js';

/** How a field is registered in Wireshark (the `ProtoField` constructor) and shown. */
export type FieldType =
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float'
  | 'double'
  | 'bool'
  | 'string'
  | 'bytes';

/** One Wireshark field. */
export interface FieldSpec {
  /** The filter name, e.g. `bp.SENSOR_DATA.sensor1`. */
  readonly abbrev: string;
  /** The name shown in the tree. */
  readonly label: string;
  readonly type: FieldType;
  /** Names of values (a value_string), for the type header and code fields. */
  readonly valueNames?: ReadonlyMap<number, string>;
}

/** A schema node with the fields it fills in. */
export type PlanNode =
  | { readonly k: 'prim'; readonly prim: PrimitiveName; readonly field: FieldSpec }
  | {
      readonly k: 'text';
      readonly bytes: boolean;
      /** Fixed byte length, or undefined with a `prefix`-byte length in front. */
      readonly length: number | undefined;
      readonly prefix: 1 | 2 | 4;
      readonly field: FieldSpec;
    }
  | {
      readonly k: 'array';
      readonly label: string;
      readonly length: number | undefined;
      readonly item: PlanNode;
      /** The u32 item count of a counted array. */
      readonly countField: FieldSpec | undefined;
    }
  | { readonly k: 'optional'; readonly label: string; readonly item: PlanNode }
  | { readonly k: 'struct'; readonly label: string; readonly fields: readonly PlanNode[] }
  | {
      readonly k: 'enum';
      readonly repr: PrimitiveName;
      /** The enum value's text by wire number. */
      readonly names: ReadonlyMap<number, string>;
      readonly field: FieldSpec;
    }
  | {
      readonly k: 'union';
      readonly label: string;
      readonly repr: PrimitiveName;
      readonly tagField: FieldSpec;
      readonly variants: readonly { readonly wire: number; readonly tag: string; readonly node: PlanNode }[];
    };

/** The plan of one message type. */
export interface MessagePlan {
  readonly type: number;
  /** The enum name, or `type_<n>` without one. */
  readonly name: string;
  readonly root: PlanNode;
}

/** Everything the dissector and the decoder need to know about a protocol. */
export interface ProtocolPlan {
  readonly headerFormat: string;
  /** The type header as a primitive (`u16`, `i8`, `u32le`, ...). */
  readonly headerPrim: PrimitiveName;
  readonly headerSize: number;
  readonly maxPayloadSize: number;
  /** Most array items and optional/union nodes one payload may decode (the codec's maxElements). */
  readonly maxElements: number;
  readonly types: readonly MessagePlan[];
  /** The message-layer fields, each abbrev once. */
  readonly fields: readonly FieldSpec[];
}

const PRIM_FIELD: Record<PrimitiveName, FieldType> = {
  u8: 'uint8',
  i8: 'int8',
  bool: 'bool',
  u16: 'uint16',
  i16: 'int16',
  u32: 'uint32',
  i32: 'int32',
  f32: 'float',
  f64: 'double',
  u64: 'uint64',
  i64: 'int64',
  u16le: 'uint16',
  i16le: 'int16',
  u32le: 'uint32',
  i32le: 'int32',
  f32le: 'float',
  f64le: 'double',
  u64le: 'uint64',
  i64le: 'int64',
};

/** The codec's primitives by name: their sizes come from the codec, not from a copy here. */
const PRIMITIVES: Record<PrimitiveName, Codec<unknown>> = {
  u8,
  i8,
  bool,
  u16,
  i16,
  u16le,
  i16le,
  u32,
  i32,
  f32,
  u32le,
  i32le,
  f32le,
  f64,
  u64,
  i64,
  f64le,
  u64le,
  i64le,
};

/** Byte size of each primitive. */
export const PRIM_BYTES = Object.fromEntries(
  Object.entries(PRIMITIVES).map(([name, codec]) => [name, codec.fixedSize as number]),
) as Record<PrimitiveName, number>;

/** The Wireshark field type of a primitive. */
export function primFieldType(prim: PrimitiveName): FieldType {
  return PRIM_FIELD[prim];
}

const HEADER_PRIMS: Record<string, PrimitiveName> = {
  B: 'u8',
  b: 'i8',
  H: 'u16',
  h: 'i16',
  I: 'u32',
  L: 'u32',
  i: 'i32',
  l: 'i32',
};

/** The primitive of a one-value `struct` header format (`'>H'`, `'<b'`, `'!I'`, PROTOCOL.md 3.3). */
export function headerPrimitive(format: string): PrimitiveName {
  const order = format[0];
  const prim = HEADER_PRIMS[format[1] ?? ''];
  if (format.length !== 2 || prim === undefined || !'<>!'.includes(order)) {
    throw new RangeError(`unsupported headerFormat ${JSON.stringify(format)}`);
  }
  if (order !== '<' || PRIM_BYTES[prim] === 1) return prim;
  return `${prim}le` as PrimitiveName;
}

/**
 * A filter-name component from a schema name: characters Wireshark does not allow in field names
 * become `_`, and a leading digit gets a `_` in front (the display-filter parser would read
 * `bp.T.0` as a number).
 */
export function fieldComponent(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_-]/g, '_');
  if (cleaned === '') return '_';
  return /^[0-9-]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

class FieldRegistry {
  readonly fields: FieldSpec[] = [];
  readonly #taken = new Set<string>();

  constructor(reserved: readonly string[]) {
    for (const name of reserved) this.#taken.add(name);
  }

  /** Registers a field under `abbrev`, or `abbrev_2`, `abbrev_3`, ... when the name is taken. */
  claim(abbrev: string, label: string, type: FieldType): FieldSpec {
    let name = abbrev;
    for (let n = 2; this.#taken.has(name); n++) name = `${abbrev}_${n}`;
    this.#taken.add(name);
    const field: FieldSpec = { abbrev: name, label, type };
    this.fields.push(field);
    return field;
  }
}

function enumText(value: number | string): string {
  return String(value);
}

function planNode(d: SchemaDescriptor, path: string, label: string, registry: FieldRegistry): PlanNode {
  switch (d.type) {
    case 'string':
    case 'bytes': {
      const fixed = 'length' in d ? d.length : undefined;
      const prefix = 'lengthPrefix' in d ? ({ u8: 1, u16: 2, u32: 4 } as const)[d.lengthPrefix] : 4;
      return {
        k: 'text',
        bytes: d.type === 'bytes',
        length: fixed,
        prefix,
        field: registry.claim(path, label, d.type === 'bytes' ? 'bytes' : 'string'),
      };
    }
    case 'array':
      return {
        k: 'array',
        label,
        length: 'length' in d ? d.length : undefined,
        countField:
          'countPrefix' in d ? registry.claim(`${path}.count`, `${label} count`, 'uint32') : undefined,
        item: planNode(d.item, path, label, registry),
      };
    case 'optional':
      return { k: 'optional', label, item: planNode(d.item, path, label, registry) };
    case 'struct':
      return {
        k: 'struct',
        label,
        fields: d.fields.map((f) =>
          planNode(f.schema, `${path}.${fieldComponent(f.name)}`, f.name, registry),
        ),
      };
    case 'enum':
      return {
        k: 'enum',
        repr: d.repr,
        names: new Map(d.values.map((v) => [v.wire, enumText(v.value)])),
        field: registry.claim(path, label, 'string'),
      };
    case 'union':
      return {
        k: 'union',
        label,
        repr: d.repr,
        tagField: registry.claim(`${path}.${fieldComponent(d.tagKey)}`, d.tagKey, 'string'),
        variants: d.variants.map((v) => ({
          wire: v.wire,
          tag: String(v.tag),
          node: planNode(v.schema, `${path}.${fieldComponent(String(v.tag))}`, String(v.tag), registry),
        })),
      };
    default:
      return { k: 'prim', prim: d.type, field: registry.claim(path, label, PRIM_FIELD[d.type]) };
  }
}

/** What a plan is built from: a protocol's descriptor and its limits. */
export interface PlanSource {
  readonly descriptor: ProtocolDescriptor;
  readonly maxPayloadSize: number;
  readonly maxElements: number;
}

/**
 * Names every field of a protocol, under `prefix` (`bp` for bp's frames; the Python
 * binary_protocol wire's dissector names its own under `bpy`), avoiding the `reserved` names.
 */
export function buildPlan(
  source: PlanSource,
  prefix = 'bp',
  reserved: readonly string[] = reservedNames,
): ProtocolPlan {
  const registry = new FieldRegistry(reserved);
  const usedNames = new Set<string>();
  const types = source.descriptor.types.map((t): MessagePlan => {
    let name = fieldComponent(t.name ?? `type_${t.type}`);
    // Two enum names can sanitize to one; the later type gets its number appended.
    if (usedNames.has(name)) name = `${name}_${t.type < 0 ? `m${-t.type}` : t.type}`;
    usedNames.add(name);
    return { type: t.type, name, root: planNode(t.schema, `${prefix}.${name}`, name, registry) };
  });
  const headerPrim = headerPrimitive(source.descriptor.headerFormat);
  return {
    headerFormat: source.descriptor.headerFormat,
    headerPrim,
    headerSize: PRIM_BYTES[headerPrim],
    maxPayloadSize: source.maxPayloadSize,
    maxElements: source.maxElements,
    types,
    fields: registry.fields,
  };
}
