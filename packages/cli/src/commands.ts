/** The `bp` subcommands, in the order `bp --help` lists them. Adding a command is one line here. */
import type { Command } from './command.js';
import { decodeCommand } from './commands/decode.js';
import { schemaCommand } from './commands/schema.js';
import { wiresharkCommand } from './commands/wireshark.js';

export const COMMANDS: readonly Command[] = [wiresharkCommand, decodeCommand, schemaCommand];
