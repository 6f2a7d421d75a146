import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Builds a constant-time token check. Both sides are hashed first so the comparison runs over
 * equal lengths (a plain `timingSafeEqual` would leak the token length by throwing), and every
 * accepted token is compared without an early exit, so the position of the match leaks nothing.
 * Several tokens allow rotating a token without a flag day.
 */
export function createTokenCheck(
  tokens: string | readonly string[],
): (presented: string | undefined) => boolean {
  const list = typeof tokens === 'string' ? [tokens] : [...tokens];
  if (list.length === 0 || list.some((token) => typeof token !== 'string' || token.length === 0)) {
    throw new TypeError('auth.token must be a non-empty string (or a non-empty list of them)');
  }
  const expected = list.map(digest);
  return (presented) => {
    const actual = digest(typeof presented === 'string' ? presented : '');
    let matched = false;
    for (const candidate of expected) matched = timingSafeEqual(candidate, actual) || matched;
    return matched && typeof presented === 'string';
  };
}
