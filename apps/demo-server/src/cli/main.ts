import { existsSync, readFileSync } from 'node:fs';
import { connect } from '@bp/transport-node';
import { demoErrorName, demoProtocol } from '../schema.js';
import { readStoredToken } from '../server/access-token.js';
import { type ConnectionOptions, defaultCaFile, parseCli, UsageError } from './cli-args.js';
import { runCommand } from './run-command.js';

/** `bp-demo`: the demo's command-line client. Exit status: 0 ok, 1 failed or not found, 2 usage. */
async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bp-demo: ${error.message}\nRun bp-demo --help for the commands.\n`);
    return 2;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(`${parsed.text}\n`);
    return 0;
  }
  const { command, connection } = parsed;
  const token = connection.token ?? readStoredToken(connection.dataDir);
  if (token === undefined) {
    process.stderr.write(
      `bp-demo: no token: pass --token or BP_TOKEN (the server prints it at start; it is also in ${connection.dataDir}/token)\n`,
    );
    return 2;
  }

  let tls: ReturnType<typeof tlsOptions> | undefined;
  try {
    tls = connection.tls ? tlsOptions(connection) : undefined;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bp-demo: ${error.message}\n`);
    return 2;
  }

  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const client = await connect({
    host: connection.host,
    port: connection.port,
    protocol: demoProtocol,
    token,
    tls,
    connectTimeout: connection.timeout * 1000,
    // One command, one connection: a watch ends when the server goes away (see onClose below)
    // instead of waiting for it to come back.
    reconnect: false,
  });
  // A watch ends when the server goes away (shutdown, restart): say so instead of hanging.
  let closedByServer = false;
  client.onClose(() => {
    if (abort.signal.aborted) return;
    closedByServer = true;
    abort.abort();
  });
  try {
    const status = await runCommand(
      command,
      client,
      { json: connection.json, line: (text) => process.stdout.write(`${text}\n`) },
      { signal: abort.signal, timeoutMs: connection.timeout * 1000 },
    );
    if (closedByServer) {
      process.stderr.write('bp-demo: the server closed the connection\n');
      return 1;
    }
    return status;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await client.close({ deadline: 2000 }).catch(() => {});
  }
}

function tlsOptions(connection: ConnectionOptions): { ca?: string; rejectUnauthorized: boolean } {
  if (connection.insecure) return { rejectUnauthorized: false };
  // A --ca that names no file is a mistake to report, not a reason to fall back to the system's
  // trust store (which then fails with a `self-signed certificate` that points nowhere near it).
  if (connection.caFile !== undefined && !existsSync(connection.caFile)) {
    throw new UsageError(
      `--ca: no file at ${connection.caFile}; give the PEM file of the CA that signed the server's ` +
        `certificate (for the demo's own: ${defaultCaFile(connection.dataDir)})`,
    );
  }
  const caFile = connection.caFile ?? defaultCaFile(connection.dataDir);
  // Without a CA file the system's trust store applies (a real certificate given to --cert).
  if (!existsSync(caFile)) return { rejectUnauthorized: true };
  return { ca: readFileSync(caFile, 'utf8'), rejectUnauthorized: true };
}

/** One line for a person: the error's code and message, and the demo's own name for its codes. */
function describeError(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const { code, message, wireCode } = error as { code?: string; message?: string; wireCode?: number };
    const name = demoErrorName(wireCode);
    if (name !== undefined) return `${name}: ${message}`;
    if (code === 'unauthorized')
      return 'unauthorized: the server refused the token (check --token or BP_TOKEN)';
    if (code === 'connect-failed' && !/TLS port/.test(message ?? ''))
      return `${code}: ${message} (is the demo server running? pnpm demo)`;
    if (code !== undefined) return `${code}: ${message}`;
    if (message !== undefined) return message;
  }
  return String(error);
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    if (process.argv.includes('--json')) {
      const { code, wireCode } = (error ?? {}) as { code?: string; wireCode?: number };
      process.stdout.write(
        `${JSON.stringify({ error: { code: demoErrorName(wireCode) ?? code ?? 'error', message: describeError(error) } })}\n`,
      );
    }
    process.stderr.write(`bp-demo: ${describeError(error)}\n`);
    process.exitCode = 1;
  },
);
