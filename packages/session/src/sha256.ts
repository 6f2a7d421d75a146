/**
 * SHA-256 (FIPS 180-4) in plain JavaScript, so the schema fingerprint can be computed the same
 * way in browsers, workers and Node without `node:crypto` or the async-only WebCrypto API.
 * It hashes a few kilobytes once per connection; clarity wins over speed here.
 */

// The constants are the first 32 fraction bits of the square roots (initial hash) and cube roots
// (round constants) of the first primes (FIPS 180-4 §4.2.2, §5.3.3). Derived once on first use
// rather than written out: as a literal table they are about 1 KB of incompressible text in every
// browser bundle. The float root is only a first guess; the integer check makes each word exact.
let roundConstants: Uint32Array | undefined;
let initialHash: Uint32Array | undefined;

function fractionBits(prime: number, root: bigint): number {
  const scaled = BigInt(prime) << (32n * root);
  let x = BigInt(Math.floor(prime ** (1 / Number(root)) * 2 ** 32));
  while (x ** root > scaled) x--;
  while ((x + 1n) ** root <= scaled) x++;
  return Number(x & 0xffffffffn);
}

function deriveConstants(): Uint32Array {
  const k = new Uint32Array(64);
  initialHash = new Uint32Array(8);
  for (let n = 2, found = 0; found < 64; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = false;
    if (!prime) continue;
    if (found < 8) initialHash[found] = fractionBits(n, 2n);
    k[found++] = fractionBits(n, 3n);
  }
  return k;
}

/** Returns the 32-byte SHA-256 digest of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  const K = (roundConstants ??= deriveConstants());
  const h = (initialHash as Uint32Array).slice();
  // Message + 0x80 + zero padding + 64-bit big-endian bit length, rounded up to 64-byte blocks.
  const blocks = Math.ceil((data.length + 9) / 64);
  const padded = new Uint8Array(blocks * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bitLength = data.length * 8;
  view.setUint32(padded.length - 8, Math.floor(bitLength / 0x100000000));
  view.setUint32(padded.length - 4, bitLength >>> 0);

  const w = new Uint32Array(64);
  for (let block = 0; block < blocks; block++) {
    const base = block * 64;
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(base + i * 4);
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let a = h[0];
    let b = h[1];
    let c = h[2];
    let d = h[3];
    let e = h[4];
    let f = h[5];
    let g = h[6];
    let hh = h[7];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K[i] + w[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]);
  return out;
}
