/**
 * How a field value is shown: the text tshark prints for it in `-T json` output, so that `bp
 * decode` and the dissector can be compared value by value.
 */
import type { FieldType } from './field-plan.js';

/**
 * C's `printf("%.<precision>g")`, which Wireshark uses for floats (6 digits) and doubles (15):
 * fixed notation unless the exponent is below -4 or at least the precision, trailing zeros cut.
 */
export function formatG(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, exponentText] = x.toExponential(precision - 1).split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= precision) {
    const digits = exponent < 0 ? -exponent : exponent;
    return `${trimZeros(mantissa)}e${exponent < 0 ? '-' : '+'}${digits < 10 ? '0' : ''}${digits}`;
  }
  return trimZeros(x.toFixed(precision - 1 - exponent));
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Bytes as Wireshark shows them: lowercase hex pairs joined by `:`. */
export function colonHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (i === 0 ? '' : ':') + bytes[i].toString(16).padStart(2, '0');
  return out;
}

/** The shown text of a value of a field type. */
export function fieldText(type: FieldType, value: unknown): string {
  switch (type) {
    case 'float':
      return formatG(value as number, 6);
    case 'double':
      return formatG(value as number, 15);
    case 'bool':
      return value ? '1' : '0';
    case 'bytes':
      return colonHex(value as Uint8Array);
    case 'string':
      // Wireshark shows a string up to its first NUL.
      return (value as string).split('\u0000', 1)[0];
    default:
      return String(value);
  }
}
