/** Pieces of Lua source shared by the generated dissectors (lua-dissector.ts, lua-python-wire.ts). */
import type { PrimitiveName } from '@bp/codec';
import { type FieldSpec, type PlanNode, PRIM_BYTES } from './field-plan.js';

/** A Lua string literal of `text` (UTF-8 bytes outside printable ASCII as decimal escapes). */
export function luaString(text: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(text)) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString().padStart(3, '0')}`;
  }
  return `${out}"`;
}

export function luaNames(names: ReadonlyMap<number, string>): string {
  return `{ ${[...names].map(([value, name]) => `[${value}] = ${luaString(name)}`).join(', ')} }`;
}

const CONSTRUCTOR: Record<FieldSpec['type'], string> = {
  uint8: 'uint8',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  float: 'float',
  double: 'double',
  bool: 'bool',
  string: 'string',
  bytes: 'bytes',
};

export function protoField(field: FieldSpec): string {
  const ctor = `ProtoField.${CONSTRUCTOR[field.type]}(${luaString(field.abbrev)}, ${luaString(field.label)}`;
  if (/int/.test(field.type)) {
    return `${ctor}, base.DEC${field.valueNames ? `, ${luaNames(field.valueNames)}` : ''})`;
  }
  return `${ctor})`;
}

export function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function primShape(prim: PrimitiveName): string {
  const le = prim.endsWith('le') && PRIM_BYTES[prim] > 1;
  const signed = prim.startsWith('i');
  return `size = ${PRIM_BYTES[prim]}, le = ${le}, signed = ${signed}`;
}

export function luaNode(
  node: PlanNode,
  index: ReadonlyMap<string, number>,
  depth: number,
  table = 'M',
): string {
  const f = (field: FieldSpec): string => `${table}[${index.get(field.abbrev)}]`;
  const pad = '  '.repeat(depth);
  switch (node.k) {
    case 'prim':
      return `{ k = "prim", f = ${f(node.field)}, name = ${luaString(node.field.abbrev)}, ${primShape(node.prim)}, bool = ${node.prim === 'bool'} }`;
    case 'text':
      return `{ k = "text", f = ${f(node.field)}, name = ${luaString(node.field.abbrev)}, bytes = ${node.bytes}, len = ${node.length ?? 'nil'}, prefix = ${node.prefix} }`;
    case 'array':
      return `{ k = "array", label = ${luaString(node.label)}, len = ${node.length ?? 'nil'}, count = ${node.countField ? f(node.countField) : 'nil'}, count_name = ${luaString(node.countField?.abbrev ?? '')},\n${pad}  item = ${luaNode(node.item, index, depth + 1, table)} }`;
    case 'optional':
      return `{ k = "opt", label = ${luaString(node.label)},\n${pad}  item = ${luaNode(node.item, index, depth + 1, table)} }`;
    case 'struct':
      return `{ k = "struct", label = ${luaString(node.label)}, fields = {${node.fields.map((c) => `\n${pad}  ${luaNode(c, index, depth + 1, table)},`).join('')}\n${pad}} }`;
    case 'enum':
      return `{ k = "enum", f = ${f(node.field)}, name = ${luaString(node.field.abbrev)}, ${primShape(node.repr)}, names = ${luaNames(node.names)} }`;
    case 'union':
      return `{ k = "union", f = ${f(node.tagField)}, name = ${luaString(node.tagField.abbrev)}, ${primShape(node.repr)}, names = {${node.variants
        .map(
          (v) =>
            `\n${pad}  [${v.wire}] = { tag = ${luaString(v.tag)}, node = ${luaNode(v.node, index, depth + 2, table)} },`,
        )
        .join('')}\n${pad}} }`;
  }
}
