// The declarations use Node types (parseArgs options); keep the reference in the emitted index.d.ts.
/// <reference types="node" preserve="true" />
export { processIo, runCli } from './cli.js';
export { CliError, type CliErrorCode } from './cli-error.js';
export type { Command, CommandIo, ParsedArgs } from './command.js';
export { COMMANDS } from './commands.js';
export type { DecodedField, DecodedFrame, DecodedMessage, Problem } from './decoded-frame.js';
export { buildPlan, type FieldSpec, type FieldType, type ProtocolPlan } from './field-plan.js';
export { decodeFrame, type FrameContext } from './frame-decoder.js';
export { FrameStream } from './frame-stream.js';
export {
  type AnyProtocol,
  isProtocol,
  isProtocolConfig,
  type LoadedProtocol,
  loadProtocol,
  planOf,
} from './load-protocol.js';
export { type DissectorOptions, generateDissector } from './lua-dissector.js';
