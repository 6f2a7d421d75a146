/**
 * @bp/codec: schema-defined binary codecs with inferred TypeScript types. This entry compiles
 * codecs into closures (no `eval`, safe under any Content-Security-Policy); the Node entry
 * (`node` export condition) uses generated code.
 * @packageDocumentation
 */
export { type ArrayOptions, array } from './array.js';
export {
  type Codec,
  type CodecOptions,
  type Infer,
  type Prettify,
  trustedInput,
  withEngine,
} from './codec.js';
export { DEFAULT_MAX_DEPTH, DEFAULT_MAX_ELEMENTS, type DecodeLimits } from './decode-limits.js';
export type { DecodeResult, EngineName } from './engine.js';
export { getDefaultEngine, setDefaultEngine } from './engine-registry.js';
export { type EnumOptions, enumeration, literal } from './enumeration.js';
export {
  BpError,
  type BpErrorOptions,
  DecodeError,
  type DecodeErrorCode,
  EncodeError,
  type EncodeErrorCode,
  isBpError,
  isDecodeError,
  isEncodeError,
} from './errors.js';
export { type CompatibilityOptions, checkCompatibility } from './evolution/compatibility.js';
export type {
  CompatibilityIssue,
  CompatibilityReport,
  CompatibilityRule,
} from './evolution/compatibility-issue.js';
export {
  DEFAULT_MAX_DESCRIPTOR_NODES,
  DEFAULT_MAX_NAME_LENGTH,
  type DescriptorLimits,
} from './evolution/descriptor-parse.js';
export { ResolvedCodec, type ResolveOptions, resolve } from './evolution/resolve.js';
export { SchemaError, type SchemaErrorCode } from './evolution/schema-error.js';
export { withAliases, withDefault } from './evolution/with-default.js';
export { FieldDefinition, type FieldOptions, type FieldType, type FieldValue } from './field-definition.js';
export { type FormatValue, fromFormat } from './format.js';
export { type FieldsValue, MessageStructure } from './message-structure.js';
export { OptionalCodec, optional } from './optional.js';
export {
  bool,
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
  u8,
  u16,
  u16le,
  u32,
  u32le,
  u64,
  u64le,
} from './primitives.js';
export { Protocol } from './protocol.js';
export {
  DEFAULT_CHECKSUM_SIZE,
  DEFAULT_MAX_PAYLOAD,
  DEFAULT_TIMEOUT_MS,
  type DecodedMessage,
  type MessageTypes,
  type MessageValue,
  type NotFoundMessage,
  type NotFoundType,
  PAYLOAD_LENGTH_SIZE,
  ProtocolConfig,
  type ProtocolDescriptor,
  type ProtocolOptions,
  type ReplyType,
  type ReplyValue,
  type Responses,
  type Structures,
  type TransportType,
} from './protocol-config.js';
export { ProtocolSchema, type ProtocolSchemaOptions } from './protocol-schema.js';
export type { FieldDescriptor, PrimitiveName, SchemaDescriptor } from './schema-node.js';
export { type Shape, StructCodec, type StructValue, struct } from './struct.js';
export { type BytesOptions, bytes, type LengthPrefix, type StringOptions, string } from './text-and-bytes.js';
export { type UnionOptions, type UnionValue, union, type Variants } from './union.js';
export { Writer } from './writer.js';
