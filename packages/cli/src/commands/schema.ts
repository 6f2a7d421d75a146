/** `bp schema`: exports a protocol's schema as JSON, and checks a new schema against an old one. */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CompatibilityIssue, checkCompatibility, isBpError, type ProtocolDescriptor } from '@bp/codec';
import { CliError } from '../cli-error.js';
import type { Command, CommandIo, ParsedArgs } from '../command.js';
import { loadProtocol } from '../load-protocol.js';

const MODES = ['backward', 'forward', 'full'] as const;
type Mode = (typeof MODES)[number];

/** A protocol descriptor as JSON text: read from a `.json` file, or exported by a module. */
async function descriptorText(spec: string, io: CommandIo, exportName: string | undefined): Promise<string> {
  if (spec.endsWith('.json')) {
    try {
      return readFileSync(resolve(io.cwd, spec), 'utf8');
    } catch (error) {
      throw new CliError('bad-input', `cannot read ${spec}: ${(error as Error).message}`, { cause: error });
    }
  }
  const { protocol } = await loadProtocol(spec, io.cwd, exportName);
  return JSON.stringify(protocol.describe());
}

function line(direction: string, issue: CompatibilityIssue): string {
  const type = issue.typeName ?? (issue.type === undefined ? '' : `type ${issue.type}`);
  const where = [type, issue.path].filter((s) => s !== '').join(' ') || '(root)';
  return `${direction}${where}: ${issue.rule}: ${issue.message}\n`;
}

async function exportSchema({ values, positionals }: ParsedArgs, io: CommandIo): Promise<number> {
  if (positionals.length !== 2) throw new CliError('usage', 'bp schema export needs one <module>');
  const { protocol } = await loadProtocol(positionals[1], io.cwd, values.export as string | undefined);
  const text = `${JSON.stringify(protocol.describe() as ProtocolDescriptor, null, 2)}\n`;
  // '-' is standard output, as for `bp wireshark --out -` and `bp decode -`.
  if (values.out === undefined || values.out === '-') io.stdout(text);
  else writeFileSync(resolve(io.cwd, values.out as string), text);
  return 0;
}

async function checkSchema({ values, positionals }: ParsedArgs, io: CommandIo): Promise<number> {
  if (positionals.length !== 3)
    throw new CliError('usage', 'bp schema check needs <old.json> and <module|new.json>');
  const mode = (values.mode ?? 'backward') as Mode;
  if (!MODES.includes(mode)) throw new CliError('usage', `--mode must be one of ${MODES.join(', ')}`);
  const old = await descriptorText(positionals[1], io, undefined);
  const next = await descriptorText(positionals[2], io, values.export as string | undefined);
  const found: string[] = [];
  try {
    // backward: the new schema reads data the old one wrote; forward: the old reads the new.
    if (mode !== 'forward')
      for (const i of checkCompatibility(old, next).issues) found.push(line('new reads old: ', i));
    if (mode !== 'backward')
      for (const i of checkCompatibility(next, old).issues) found.push(line('old reads new: ', i));
  } catch (error) {
    if (isBpError(error)) throw new CliError('bad-input', error.message, { cause: error });
    throw error;
  }
  if (found.length === 0) {
    io.stdout(`compatible (${mode})\n`);
    return 0;
  }
  for (const text of found) io.stdout(text);
  io.stdout(`${found.length} breaking change${found.length === 1 ? '' : 's'} (${mode})\n`);
  return 1;
}

export const schemaCommand: Command = {
  name: 'schema',
  summary: "export a protocol's schema as JSON, or check a new schema against the last released one",
  help: `Usage: bp schema export <module> [--export NAME] [--out file.json]
       bp schema check <old.json> <module|new.json> [--mode backward|forward|full] [--export NAME]

export  writes the protocol's describe() (every message type's schema, with defaults,
        aliases and fallbacks) as JSON, to standard output or --out.
check   compares a new schema with an old one (a file written by export, kept in git) and prints
        every breaking change as "<type> <field path>: <rule>: <message>"; exits 1 when there is
        one, so it can run in CI.
          --mode backward  (default) the new schema can read what the old one wrote
          --mode forward   the old schema can read what the new one writes
          --mode full      both
        A message type only one side has is not a breaking change.

Options:
  --export NAME  the export of <module> to use (default: the only Protocol or ProtocolConfig)
  --out FILE     where export writes the JSON ('-' or no --out: standard output)
  --mode MODE    backward, forward or full (check)
  -h, --help     show this help
`,
  options: {
    export: { type: 'string' },
    out: { type: 'string' },
    mode: { type: 'string' },
  },
  async run(args, io) {
    const sub = args.positionals[0];
    if (sub === 'export') return exportSchema(args, io);
    if (sub === 'check') return checkSchema(args, io);
    throw new CliError('usage', `bp schema needs export or check, got ${JSON.stringify(sub ?? '')}`);
  },
};
