import { sha256 } from './sha256.js';

/** Tells whether a presented token is one of the accepted ones. */
export type TokenCheck = (presented: string | null | undefined) => boolean;

const encoder = new TextEncoder();

function digest(token: string): Uint8Array {
  return sha256(encoder.encode(token));
}

// Both sides are hashed first, so every comparison runs over 32 bytes whatever the lengths (a
// plain byte comparison leaks the expected length), and every accepted token is compared without
// an early exit, so neither the position of a match nor a mismatching prefix shows in the time.
// Only the presented token's own length affects the time, and the peer knows that already.
function matchesAny(expected: readonly Uint8Array[], presented: string | null | undefined): boolean {
  const given = digest(typeof presented === 'string' ? presented : '');
  let matched = 0;
  for (const candidate of expected) {
    let diff = 0;
    for (let i = 0; i < 32; i++) diff |= candidate[i]! ^ given[i]!;
    matched |= diff === 0 ? 1 : 0;
  }
  return matched === 1 && typeof presented === 'string';
}

/**
 * Builds a constant-time check of presented tokens against `tokens` (several allow rotating a
 * token without a flag day: accept old and new, then drop the old). The accepted tokens are hashed
 * once, here. Throws a `TypeError` for an empty list or an empty token: that is a configuration
 * mistake, and an empty token would let an empty `HELLO` token in.
 *
 * @example
 * ```ts
 * const check = createTokenCheck([currentToken, nextToken]);
 * if (!check(hello.token)) refuse();
 * ```
 */
export function createTokenCheck(tokens: string | readonly string[]): TokenCheck {
  const list = typeof tokens === 'string' ? [tokens] : [...tokens];
  if (list.length === 0 || list.some((token) => typeof token !== 'string' || token.length === 0)) {
    throw new TypeError('a token check needs a non-empty token (or a non-empty list of non-empty tokens)');
  }
  const expected = list.map(digest);
  return (presented) => matchesAny(expected, presented);
}

/**
 * Whether `presented` equals `expected` (or one of them), in time that depends on neither token's
 * content nor the expected length. For a check made once and run per connection, prefer
 * {@link createTokenCheck}, which hashes the accepted tokens only once.
 */
export function tokenMatches(
  expected: string | readonly string[],
  presented: string | null | undefined,
): boolean {
  const list = typeof expected === 'string' ? [expected] : expected;
  return matchesAny(list.map(digest), presented);
}
