/**
 * Cuts one direction of a connection of the Python `binary_protocol` wire into messages, the way
 * the `bpy` part of the dissector does (lua-python-wire.ts): framing by the type's structure
 * (fixed structures carry no length), NOT_FOUND and unknown types as the header alone, a length
 * above `maxPayloadSize` or a type that cannot be framed flagged as not a message up to the end
 * of its chunk. Keep the two in step.
 */
import { ByteQueue } from './byte-queue.js';
import type { DecodedField, DecodedFrame, Problem } from './decoded-frame.js';
import { PRIM_BYTES } from './field-plan.js';
import { colonHex } from './field-text.js';
import { EXPERTS } from './frame-fields.js';
import { decodePayload, readPrimitive } from './payload-decoder.js';
import { PY_EXPERTS, PY_FIELDS, type PythonWirePlan, type PythonWireType } from './python-wire-plan.js';

/** Bytes of the `>I` payload length. */
const LENGTH_SIZE = 4;

function notAMessage(length: number, problem: Problem): DecodedFrame {
  return { kind: undefined, kindName: 'not a message', length, fields: [], problems: [problem] };
}

/** A message reader for one direction of one connection (or the datagrams of one flow). */
export class PythonWireStream {
  readonly #pending = new ByteQueue();
  readonly #wire: PythonWirePlan;
  readonly #types: ReadonlyMap<number, PythonWireType>;
  readonly #headerSize: number;

  constructor(wire: PythonWirePlan) {
    this.#wire = wire;
    this.#types = new Map(wire.wireTypes.map((t) => [t.type, t]));
    this.#headerSize = PRIM_BYTES[wire.plan.headerPrim];
  }

  /** Bytes of an unfinished message waiting for more input. */
  get pendingBytes(): number {
    return this.#pending.length;
  }

  /** Feeds the next chunk; returns the messages (and runs that are not messages) it completes. */
  push(chunk: Uint8Array): DecodedFrame[] {
    const data = this.#pending.append(chunk);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const { plan, checksumSize } = this.#wire;
    const h = this.#headerSize;
    const out: DecodedFrame[] = [];
    let at = 0;
    while (at < data.length) {
      const left = data.length - at;
      if (left < h) break;
      const type = readPrimitive(view, at, plan.headerPrim) as number;
      const wt = this.#types.get(type);
      let size: number;
      let length: number | undefined;
      if (wt === undefined) size = h;
      else if (wt.lengthPrefixed) {
        if (left < h + LENGTH_SIZE) break;
        length = view.getUint32(at + h);
        if (length > plan.maxPayloadSize) {
          out.push(
            notAMessage(left, {
              expert: PY_EXPERTS.tooLarge.abbrev,
              message: `${wt.name}: a payload length of ${length} bytes is above maxPayloadSize ${plan.maxPayloadSize}`,
            }),
          );
          return this.#done(out);
        }
        size = h + LENGTH_SIZE + length + checksumSize;
      } else if (wt.fixedSize === undefined) {
        out.push(
          notAMessage(left, {
            expert: PY_EXPERTS.malformed.abbrev,
            message: `${wt.name} has no fixed size and no length on this wire: it cannot be framed`,
          }),
        );
        return this.#done(out);
      } else size = h + wt.fixedSize + checksumSize;
      if (left < size) break;
      out.push(this.#message(data, at, size, type, wt, length));
      at += size;
    }
    this.#pending.consume(at);
    return out;
  }

  #message(
    data: Uint8Array,
    at: number,
    size: number,
    type: number,
    wt: PythonWireType | undefined,
    length: number | undefined,
  ): DecodedFrame {
    const { plan, checksumSize, notFoundType } = this.#wire;
    const h = this.#headerSize;
    const fields: DecodedField[] = [{ name: PY_FIELDS.type.abbrev, show: String(type), value: type }];
    const problems: Problem[] = [];
    if (wt === undefined) {
      const notFound = type === notFoundType;
      if (!notFound) {
        problems.push({
          expert: PY_EXPERTS.unknownType.abbrev,
          message: `message type ${type} is not part of the protocol (read as the header alone, as the package does)`,
        });
      }
      return {
        kind: undefined,
        kindName: 'binary_protocol',
        length: size,
        fields,
        problems,
        message: { type, typeName: notFound ? 'NOT_FOUND' : undefined, value: notFound ? {} : undefined },
      };
    }
    let start = at + h;
    if (length !== undefined) {
      fields.push({ name: PY_FIELDS.length.abbrev, show: String(length), value: length });
      start += LENGTH_SIZE;
    }
    const end = at + size - checksumSize;
    const result = decodePayload(wt, plan.maxElements, data, start, end, fields);
    if (result.problem !== undefined) {
      problems.push({
        expert:
          result.problem.expert === EXPERTS.decodeError.abbrev
            ? PY_EXPERTS.decodeError.abbrev
            : result.problem.expert,
        message: result.problem.message,
      });
    }
    if (checksumSize > 0) {
      const checksum = data.slice(end, end + checksumSize);
      fields.push({
        name: PY_FIELDS.checksum.abbrev,
        show: colonHex(checksum),
        value: checksum,
      });
    }
    return {
      kind: undefined,
      kindName: 'binary_protocol',
      length: size,
      fields,
      problems,
      message: { type, typeName: wt.name, value: result.value },
    };
  }

  #done(out: DecodedFrame[]): DecodedFrame[] {
    this.#pending.clear();
    return out;
  }
}
