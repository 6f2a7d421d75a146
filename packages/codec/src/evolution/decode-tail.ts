import type { SchemaNode, StructField } from '../schema-node.js';

/**
 * The node a resolved codec's `decode` compiles: the decoder without the fields only the writer
 * has that come after the last field the reader keeps. `decode` returns no end offset and ignores
 * bytes after the value, and those fields are such bytes to this reader: walking them only
 * checked bytes it never reads (ORDER's old reader spent a seventh of its decode there).
 * `decodeFrom` must find where the value ends, so it keeps the whole decoder. Returns `node`
 * itself when there is nothing to leave out.
 */
export function withoutTrailingSkips(node: SchemaNode): SchemaNode {
  if (node.kind !== 'struct') return node;
  const fields = node.fields;
  let last = fields.length - 1;
  while (last >= 0 && !readsBytes(fields[last])) last--;
  const kept: StructField[] = [];
  fields.forEach((f, i) => {
    // Reader defaults (const fields) carry no bytes wherever they stand, so they stay.
    if (i <= last || f.wireOnly === undefined) kept.push(f);
  });
  let changed = kept.length !== fields.length;
  if (last >= 0) {
    const tail = withoutTrailingSkips(fields[last].node);
    if (tail !== fields[last].node) {
      kept[last] = { ...fields[last], node: tail };
      changed = true;
    }
  }
  return changed ? { kind: 'struct', fields: kept } : node;
}

/** A field the reader's value takes from the wire (not a skip, not a default). */
function readsBytes(f: StructField): boolean {
  return f.wireOnly === undefined && f.node.kind !== 'const';
}
