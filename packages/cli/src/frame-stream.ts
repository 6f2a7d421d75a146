/**
 * Cuts a byte stream into bp frames the way the dissector does with TCP reassembly: a frame that
 * is not complete waits for the next chunk; bytes whose header cannot start a frame (a reserved
 * kind, a length above every limit) are flagged as not bp, up to the end of their chunk.
 */
import { ByteQueue } from './byte-queue.js';
import type { DecodedFrame } from './decoded-frame.js';
import { decodeFrame, type FrameContext, isFrameKind, maxFrameBody } from './frame-decoder.js';
import { EXPERTS } from './frame-fields.js';
import { FRAME_HEADER_SIZE } from './wire.js';

function notBp(length: number, message: string): DecodedFrame {
  return {
    kind: undefined,
    kindName: 'not bp',
    length,
    fields: [],
    problems: [{ expert: EXPERTS.notBp.abbrev, message }],
  };
}

/** A frame reader for one direction of one connection. */
export class FrameStream {
  readonly #pending = new ByteQueue();
  readonly #limit: number;

  /**
   * @param ctx the protocol and WebSocket subprotocol of the stream
   * @param messages `true` when every chunk is a WebSocket message, which holds whole frames only
   *   (PROTOCOL.md 14.2): a frame that continues past its message is flagged, not waited for.
   */
  constructor(
    readonly ctx: FrameContext,
    readonly messages = false,
  ) {
    this.#limit = maxFrameBody(ctx.plan);
  }

  /** Bytes of an unfinished frame waiting for more input. */
  get pendingBytes(): number {
    return this.#pending.length;
  }

  /** Feeds the next chunk; returns the frames (and not-bp runs) it completes. */
  push(chunk: Uint8Array): DecodedFrame[] {
    const data = this.#pending.append(chunk);
    const out: DecodedFrame[] = [];
    let at = 0;
    while (at < data.length) {
      const left = data.length - at;
      if (left < FRAME_HEADER_SIZE) {
        if (this.messages) {
          out.push(notBp(left, `${left} bytes left at the end of a WebSocket message`));
          return this.#done(out);
        }
        this.#pending.consume(at);
        return out;
      }
      const header = ((data[at] << 24) | (data[at + 1] << 16) | (data[at + 2] << 8) | data[at + 3]) >>> 0;
      const kind = header >>> 28;
      const length = header & 0x0fffffff;
      if (!isFrameKind(kind) || length > this.#limit) {
        out.push(
          notBp(
            left,
            isFrameKind(kind)
              ? `a frame of ${length} body bytes is above every limit (${this.#limit})`
              : `frame kind ${kind} is reserved`,
          ),
        );
        return this.#done(out);
      }
      if (left < FRAME_HEADER_SIZE + length) {
        if (this.messages) {
          out.push(
            notBp(left, `a frame of ${length} body bytes continues past the end of its WebSocket message`),
          );
          return this.#done(out);
        }
        this.#pending.consume(at);
        return out;
      }
      out.push(decodeFrame(data.subarray(at, at + FRAME_HEADER_SIZE + length), this.ctx));
      at += FRAME_HEADER_SIZE + length;
    }
    return this.#done(out);
  }

  #done(out: DecodedFrame[]): DecodedFrame[] {
    this.#pending.clear();
    return out;
  }
}
