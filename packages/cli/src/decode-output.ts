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

/** The text form: one heading line per frame, one line per field, `!` lines for problems. */
export function decodeText(result: CaptureDecode): string {
  const lines: string[] = [];
  for (const record of result.records) {
    const { frame } = record;
    const where = [record.packet === undefined ? undefined : `#${record.packet}`, record.stream]
      .filter(Boolean)
      .join(' ');
    const what = frame.message ? ` ${frame.message.typeName ?? `type ${frame.message.type}`}` : '';
    lines.push(`${where ? `${where}  ` : ''}${frame.kindName}${what} (${frame.length} bytes)`);
    for (const f of frame.fields) {
      if (f.name === 'bp.kind' || f.name === 'bp.length') continue;
      const names = VALUE_NAMES.get(f.name);
      const name = names
        ? names.get(Number(f.show))
        : f.name === 'bp.msg.type' || f.name === 'bpy.msg.type'
          ? frame.message?.typeName
          : undefined;
      lines.push(`  ${f.name} = ${f.show}${name ? ` (${name})` : ''}`);
    }
    for (const p of frame.problems) lines.push(`  ! ${p.expert}: ${p.message}`);
  }
  for (const note of result.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
