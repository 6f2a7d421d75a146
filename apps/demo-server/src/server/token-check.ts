import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented token with the expected one in constant time (hashing first, so the
 * comparison does not leak the length either).
 */
export function tokenMatches(expected: string, presented: string | undefined | null): boolean {
  if (presented === undefined || presented === null) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}
