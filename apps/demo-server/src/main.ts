import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBanner } from './server/banner.js';
import { ConfigError, parseConfig, usage } from './server/config.js';
import { startDemoServer } from './server/demo-server.js';
import { createLogger } from './server/logger.js';

/**
 * `pnpm demo`: starts the demo server with the configuration from flags and environment,
 * prints where everything is, and shuts down cleanly on SIGINT/SIGTERM (drain, flush, exit).
 */
async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseConfig>;
  try {
    parsed = parseConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`bp-demo-server: ${error.message}\n\n${usage()}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const { config } = parsed;
  const logger = createLogger(config.logLevel);
  const assetsDir = join(dirname(fileURLToPath(import.meta.url)), 'dashboard');
  const server = await startDemoServer({ config, logger, assetsDir });
  process.stdout.write(formatBanner(server));

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: draining connections and flushing the store');
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`bp-demo-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
