/** Reads a hex dump as `bp decode --hex` takes it: pairs of hex digits, any separators between. */
import { CliError } from './cli-error.js';

/**
 * Parses hex text such as `40 00 00 0a | 00 01 | 3f c0 ...`, `40:00:00:0a`, or `0x40,0x00`.
 * Whitespace, `|`, `:`, `,`, `-` and `0x` prefixes separate bytes. Throws {@link CliError}
 * `bad-input` naming the first character that is not hex.
 */
export function parseHex(text: string): Uint8Array {
  // Two spaces for the two characters, so that a position in `cleaned` is one in `text`.
  const cleaned = text.replace(/0x/gi, '  ');
  const digits: string[] = [];
  for (let i = 0; i < cleaned.length; i++) {
    const c = cleaned[i];
    if (/[0-9a-fA-F]/.test(c)) digits.push(c);
    else if (!/[\s|:,-]/.test(c)) {
      throw new CliError('bad-input', `hex input: ${JSON.stringify(c)} at position ${i} is not a hex digit`);
    }
  }
  if (digits.length % 2 !== 0)
    throw new CliError('bad-input', `hex input has an odd number of digits (${digits.length})`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits[2 * i] + digits[2 * i + 1], 16);
  return out;
}

/** True when `bytes` look like hex text rather than raw frames. */
export function looksLikeHexText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (!/[0-9a-fA-Fx\s|:,-]/.test(c)) return false;
  }
  return true;
}
