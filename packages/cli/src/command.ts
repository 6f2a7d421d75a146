/** What a `bp` subcommand is: its name, help text, options and what it does. */
import type { ParseArgsConfig } from 'node:util';

/** Where a command writes and reads (the process's streams, or buffers in tests). */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads all of standard input. */
  readonly stdin: () => Promise<Uint8Array>;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
}

/** The parsed command line of one command (`node:util` parseArgs). */
export interface ParsedArgs {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: readonly string[];
}

/** One `bp` subcommand. */
export interface Command {
  readonly name: string;
  /** One line for `bp --help`. */
  readonly summary: string;
  /** The full text of `bp <name> --help`. */
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Runs the command; resolves to the exit status. Throws {@link CliError} for bad input. */
  run(args: ParsedArgs, io: CommandIo): Promise<number>;
}
