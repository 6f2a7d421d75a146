/**
 * Decodes a payload by walking its field plan, recording every field as it goes, so that a
 * payload that stops decoding still shows the fields before the fault. The dissector's Lua walks
 * the same plan the same way (lua-runtime.ts); keep the two in step.
 */
import type { PrimitiveName } from '@bp/codec';
import type { DecodedField, Problem } from './decoded-frame.js';
import { type FieldSpec, type MessagePlan, type PlanNode, PRIM_BYTES } from './field-plan.js';
import { fieldText } from './field-text.js';
import { EXPERTS } from './frame-fields.js';

/** Thrown inside the walk when the payload cannot be read further. */
class Stop {
  constructor(readonly message: string) {}
}

const utf8 = new TextDecoder('utf-8');

/** Reads a primitive at `at` (the caller checked the bytes are there). */
export function readPrimitive(view: DataView, at: number, prim: PrimitiveName): number | bigint | boolean {
  const le = prim.endsWith('le');
  switch (prim) {
    case 'u8':
      return view.getUint8(at);
    case 'i8':
      return view.getInt8(at);
    case 'bool':
      return view.getUint8(at);
    case 'u16':
    case 'u16le':
      return view.getUint16(at, le);
    case 'i16':
    case 'i16le':
      return view.getInt16(at, le);
    case 'u32':
    case 'u32le':
      return view.getUint32(at, le);
    case 'i32':
    case 'i32le':
      return view.getInt32(at, le);
    case 'f32':
    case 'f32le':
      return view.getFloat32(at, le);
    case 'f64':
    case 'f64le':
      return view.getFloat64(at, le);
    case 'u64':
    case 'u64le':
      return view.getBigUint64(at, le);
    case 'i64':
    case 'i64le':
      return view.getBigInt64(at, le);
  }
}

class PayloadWalk {
  at: number;
  elements = 0;
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
    readonly maxElements: number,
    readonly fields: DecodedField[],
  ) {
    this.at = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(n: number, what: string): void {
    if (n > this.end - this.at) {
      throw new Stop(
        `${what} needs ${n} bytes at payload offset ${this.at}, only ${this.end - this.at} left`,
      );
    }
  }

  add(field: FieldSpec, value: unknown): void {
    this.fields.push({ name: field.abbrev, show: fieldText(field.type, value), value });
  }

  prim(prim: PrimitiveName, what: string): number | bigint {
    this.need(PRIM_BYTES[prim], what);
    const value = readPrimitive(this.view, this.at, prim) as number | bigint;
    this.at += PRIM_BYTES[prim];
    return value;
  }

  count(): void {
    if (++this.elements > this.maxElements) {
      throw new Stop(`more than ${this.maxElements} elements in one payload (the protocol's maxElements)`);
    }
  }

  node(node: PlanNode): unknown {
    switch (node.k) {
      case 'prim': {
        const at = this.at;
        const raw = this.prim(node.prim, node.field.abbrev);
        if (node.prim === 'bool') {
          if (raw !== 0 && raw !== 1)
            throw new Stop(`${node.field.abbrev}: bool byte ${raw} is not 0 or 1 at ${at}`);
          this.add(node.field, raw === 1);
          return raw === 1;
        }
        this.add(node.field, raw);
        return raw;
      }
      case 'text': {
        let length = node.length;
        if (length === undefined) {
          length = Number(
            this.prim(({ 1: 'u8', 2: 'u16', 4: 'u32' } as const)[node.prefix], node.field.abbrev),
          );
        }
        this.need(length, node.field.abbrev);
        let content = this.bytes.subarray(this.at, this.at + length);
        this.at += length;
        if (node.bytes) {
          const copy = content.slice();
          this.add(node.field, copy);
          return copy;
        }
        if (node.length !== undefined) {
          let stop = content.length;
          while (stop > 0 && content[stop - 1] === 0) stop--;
          content = content.subarray(0, stop);
        }
        const text = utf8.decode(content);
        this.add(node.field, text);
        return text;
      }
      case 'array': {
        let length = node.length;
        if (node.countField !== undefined) {
          length = Number(this.prim('u32', node.countField.abbrev));
          this.add(node.countField, length);
        }
        const items: unknown[] = [];
        for (let i = 0; i < (length as number); i++) {
          this.count();
          items.push(this.node(node.item));
        }
        return items;
      }
      case 'optional': {
        const at = this.at;
        const flag = this.prim('u8', `${node.label} presence`);
        if (flag === 0) return undefined;
        if (flag !== 1) throw new Stop(`${node.label}: optional flag ${flag} is not 0 or 1 at ${at}`);
        return this.node(node.item);
      }
      case 'struct': {
        const value: Record<string, unknown> = {};
        for (const field of node.fields) value[fieldLabel(field)] = this.node(field);
        return value;
      }
      case 'enum': {
        const at = this.at;
        const wire = Number(this.prim(node.repr, node.field.abbrev));
        const name = node.names.get(wire);
        if (name === undefined)
          throw new Stop(`${node.field.abbrev}: ${wire} is no value of the enum at ${at}`);
        this.add(node.field, name);
        return name;
      }
      case 'union': {
        const at = this.at;
        const wire = Number(this.prim(node.repr, node.tagField.abbrev));
        const variant = node.variants.find((v) => v.wire === wire);
        if (variant === undefined)
          throw new Stop(`${node.tagField.abbrev}: ${wire} is no tag of the union at ${at}`);
        this.add(node.tagField, variant.tag);
        const body = this.node(variant.node) as Record<string, unknown>;
        return { [node.tagField.label]: variant.tag, ...body };
      }
    }
  }
}

function fieldLabel(node: PlanNode): string {
  return 'field' in node ? node.field.label : node.label;
}

/** The result of {@link decodePayload}. */
export interface PayloadResult {
  /** The value; undefined when a problem stopped the decode. */
  readonly value: unknown;
  readonly problem: Problem | undefined;
}

/**
 * Decodes the payload `bytes[start..end)` of a message of type `plan`, appending its fields to
 * `fields`. Never throws on any input: a fault becomes the result's `problem`.
 */
export function decodePayload(
  plan: MessagePlan,
  maxElements: number,
  bytes: Uint8Array,
  start: number,
  end: number,
  fields: DecodedField[],
): PayloadResult {
  const walk = new PayloadWalk(bytes, start, end, maxElements, fields);
  try {
    const value = walk.node(plan.root);
    if (walk.at !== end) throw new Stop(`${end - walk.at} bytes left after the ${plan.name} payload`);
    return { value, problem: undefined };
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return {
      value: undefined,
      problem: { expert: EXPERTS.decodeError.abbrev, message: `${plan.name}: ${error.message}` },
    };
  }
}
