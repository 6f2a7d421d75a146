const encoder = new TextEncoder();

/**
 * Compares two strings by their UTF-8 bytes, the order lmdb and Redis (ZRANGE BYLEX) keep keys
 * in; JavaScript's `<` compares UTF-16 units, which differs for characters above U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}
