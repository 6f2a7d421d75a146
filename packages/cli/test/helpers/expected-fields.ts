/**
 * What the dissector must show for a value a test sent: walks the field plan with the value
 * (not the bytes), so it shares no code with either decoder.
 */
import type { PlanNode } from '../../src/field-plan.js';
import { fieldText } from '../../src/field-text.js';

const wellFormed = (s: string) => new TextDecoder().decode(new TextEncoder().encode(s));

export function expectedFields(
  node: PlanNode,
  value: unknown,
  out: [string, string][] = [],
): [string, string][] {
  switch (node.k) {
    case 'prim':
      out.push([node.field.abbrev, fieldText(node.field.type, value)]);
      break;
    case 'text':
      // What went on the wire: UTF-8 of the string, lone surrogates as U+FFFD.
      out.push([
        node.field.abbrev,
        fieldText(node.field.type, node.bytes ? value : wellFormed(value as string)),
      ]);
      break;
    case 'enum':
      out.push([node.field.abbrev, String(value)]);
      break;
    case 'array': {
      const items = value as unknown[];
      if (node.countField) out.push([node.countField.abbrev, String(items.length)]);
      for (const item of items) expectedFields(node.item, item, out);
      break;
    }
    case 'optional':
      if (value !== undefined) expectedFields(node.item, value, out);
      break;
    case 'struct': {
      const record = value as Record<string, unknown>;
      for (const field of node.fields) {
        const name = 'field' in field ? field.field.label : field.label;
        expectedFields(field, record[name], out);
      }
      break;
    }
    case 'union': {
      const record = value as Record<string, unknown>;
      const tag = String(record[node.tagField.label]);
      const variant = node.variants.find((v) => v.tag === tag);
      if (variant === undefined) throw new Error(`no variant ${tag}`);
      out.push([node.tagField.abbrev, tag]);
      expectedFields(variant.node, record, out);
      break;
    }
  }
  return out;
}
