import { BpError, type BpErrorOptions } from '@bp/codec';

/** Codes a {@link CliError} can carry. */
export type CliErrorCode =
  /** The command line is wrong: unknown command or option, missing or extra argument. */
  | 'usage'
  /** The protocol module could not be found or failed to load. */
  | 'module-not-found'
  /** The module loaded but has no export that is a `Protocol` or `ProtocolConfig` (or not the one named). */
  | 'not-a-protocol'
  /** The input (hex text, capture file) is not what the command expects. */
  | 'bad-input'
  /** A capture file is not a well-formed pcap or pcapng file. */
  | 'bad-capture';

/** Every error the `bp` command reports; the command prints its message and exits with status 2 (usage) or 1. */
export class CliError extends BpError {
  static override readonly brand: string = '@bp/cli:CliError';
  declare readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: BpErrorOptions) {
    super(code, message, options);
  }
}
