/** How `bp decode` prints what it found: text for people, `--json` for programs. */
import type { CaptureDecode, DecodeRecord } from './capture-decoder.js';
import { colonHex } from './field-text.js';
import { FRAME_FIELDS } from './frame-fields.js';

/** JSON for any decoded value: bigints as decimal strings, bytes as colon hex. */
export function jsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return colonHex(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.map(jsonValue);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  }
  return value;
}

/** The `--json` form of one record. */
export function recordJson(record: DecodeRecord): object {
  const { frame } = record;
  return {
    packet: record.packet,
    stream: record.stream,
    transport: record.transport,
    kind: frame.kind,
    kindName: frame.kindName,
    length: frame.length,
    fields: frame.fields.map((f) => ({ name: f.name, show: f.show })),
    message:
      frame.message === undefined ? undefined : { ...frame.message, value: jsonValue(frame.message.value) },
    problems: frame.problems,
  };
}

/** The value names of frame fields (error codes, statuses, HELLO extension tags, SCHEMA phases). */
const VALUE_NAMES: ReadonlyMap<string, ReadonlyMap<number, string>> = new Map(
  Object.values(FRAME_FIELDS).flatMap((f) =>
    'valueNames' in f && f.valueNames !== undefined && f.abbrev !== 'bp.kind'
      ? [[f.abbrev, f.valueNames] as const]
      : [],
  ),
);

/**
 * Whether `code` is a control character (C0, DEL, C1) or a bidirectional override: a captured
 * string (an ERROR message, a GOODBYE reason, a payload or METADATA string) could use them to
 * forge lines of this output or to rewrite the terminal (ANSI escapes). tshark escapes them too.
 */
function unprintable(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** `text` with every unprintable character written as an escape (`\n`, `\x1b`, `\u202e`). */
export function printable(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!unprintable(code)) continue;
    const escaped =
      code === 0x0a
        ? '\\n'
        : code === 0x0d
          ? '\\r'
          : code === 0x09
            ? '\\t'
            : code <= 0xff
              ? `\\x${code.toString(16).padStart(2, '0')}`
              : `\\u${code.toString(16).padStart(4, '0')}`;
    out += text.slice(from, i) + escaped;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** The text form: one heading line per frame, one line per field, `!` lines for problems. */
export function decodeText(result: CaptureDecode): string {
  const lines: string[] = [];
  for (const record of result.records) {
    const { frame } = record;
    const where = [record.packet === undefined ? undefined : `#${record.packet}`, record.stream]
      .filter(Boolean)
      .join(' ');
    const what = frame.message ? ` ${frame.message.typeName ?? `type ${frame.message.type}`}` : '';
    lines.push(printable(`${where ? `${where}  ` : ''}${frame.kindName}${what} (${frame.length} bytes)`));
    for (const f of frame.fields) {
      if (f.name === 'bp.kind' || f.name === 'bp.length') continue;
      const names = VALUE_NAMES.get(f.name);
      const name = names
        ? names.get(Number(f.show))
        : f.name === 'bp.msg.type' || f.name === 'bpy.msg.type'
          ? frame.message?.typeName
          : undefined;
      lines.push(`  ${printable(f.name)} = ${printable(f.show)}${name ? ` (${printable(name)})` : ''}`);
    }
    for (const p of frame.problems) lines.push(`  ! ${p.expert}: ${printable(p.message)}`);
  }
  for (const note of result.notes) lines.push(`note: ${printable(note)}`);
  return `${lines.join('\n')}\n`;
}
