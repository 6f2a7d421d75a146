/** Parses `bp <command> [options]` and runs the command. */
import { parseArgs } from 'node:util';
import { CliError } from './cli-error.js';
import type { Command, CommandIo } from './command.js';
import { COMMANDS } from './commands.js';

function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: bp <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `bp <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

/**
 * Runs the `bp` command line `argv` (without the node and script paths) and resolves to its exit
 * status: 0 on success, 1 when the command failed, 2 for a usage error. Errors are written to
 * `io.stderr`, never thrown.
 */
export async function runCli(
  argv: readonly string[],
  io: CommandIo,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(overview(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  try {
    if (command === undefined) throw new CliError('usage', `unknown command ${JSON.stringify(name)}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(command.help);
      return 0;
    }
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: [...rest], options: command.options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new CliError('usage', (error as Error).message, { cause: error });
    }
    return await command.run(parsed as never, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`bp${command ? ` ${command.name}` : ''}: ${error.message}\n`);
      if (error.code === 'usage')
        io.stderr(command ? `Run \`bp ${command.name} --help\` for usage.\n` : overview(commands));
      return error.code === 'usage' ? 2 : 1;
    }
    io.stderr(`bp${command ? ` ${command.name}` : ''}: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

/** The {@link CommandIo} of the running process. */
export function processIo(): CommandIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    },
    cwd: process.cwd(),
  };
}
