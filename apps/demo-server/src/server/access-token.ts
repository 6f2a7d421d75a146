import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the generated token lives inside the data folder. */
export const TOKEN_FILE = 'token';

/** Where the token came from, for the start-up banner. */
export type TokenSource = 'configured' | 'stored' | 'generated';

/**
 * Returns the configured token, else the one stored in `dataDir`, else a new random one that is
 * written there (mode 0600) so the next start, and the CLI on this machine, find the same.
 */
export function loadOrCreateToken(
  dataDir: string,
  configured: string | undefined,
): { token: string; source: TokenSource } {
  if (configured !== undefined) return { token: configured, source: 'configured' };
  const file = join(dataDir, TOKEN_FILE);
  const stored = readStoredToken(dataDir);
  if (stored !== undefined) return { token: stored, source: 'stored' };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(24).toString('base64url');
  // 'wx' fails if another process created the file in between; then theirs wins.
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { token: readStoredToken(dataDir)!, source: 'stored' };
  }
  return { token, source: 'generated' };
}

/** The token kept in `dataDir`, or undefined when there is none. */
export function readStoredToken(dataDir: string): string | undefined {
  try {
    const text = readFileSync(join(dataDir, TOKEN_FILE), 'utf8').trim();
    return text === '' ? undefined : text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
