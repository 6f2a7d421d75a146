/**
 * Puts one direction of a TCP connection back in order: retransmitted bytes are dropped, early
 * segments wait for the gap before them. What waits is bounded; past the bound the gap is taken
 * as lost and the stream continues after it.
 */
import type { TcpSegment } from './packet-layers.js';

/** Bytes of a stream in order, with the packet that completed them. */
export interface StreamChunk {
  readonly packet: number;
  readonly data: Uint8Array;
}

const before = (a: number, b: number): boolean => ((a - b) | 0) < 0;

export class TcpReassembly {
  #next: number | undefined;
  readonly #held = new Map<number, StreamChunk>();
  #heldBytes = 0;

  /** @param maxHeldBytes most out-of-order bytes kept waiting for a gap to fill */
  constructor(readonly maxHeldBytes: number) {}

  /** Takes a segment; returns the bytes it puts in order. */
  accept(segment: TcpSegment, packet: number): StreamChunk[] {
    if (segment.syn) {
      this.#next = (segment.seq + 1) >>> 0;
      return [];
    }
    if (segment.payload.length === 0) return [];
    this.#next ??= segment.seq;
    const out: StreamChunk[] = [];
    this.#place(segment.seq, { packet, data: segment.payload }, out);
    return out;
  }

  #place(seq: number, chunk: StreamChunk, out: StreamChunk[]): void {
    const next = this.#next as number;
    if (before(next, seq)) {
      if (!this.#held.has(seq)) {
        this.#held.set(seq, chunk);
        this.#heldBytes += chunk.data.length;
      }
      if (this.#heldBytes > this.maxHeldBytes) this.#skipGap(out);
      return;
    }
    const skip = (next - seq) >>> 0;
    if (skip < chunk.data.length) {
      const data = chunk.data.subarray(skip);
      out.push({ packet: chunk.packet, data });
      this.#next = (next + data.length) >>> 0;
      this.#drain(out);
    }
  }

  #drain(out: StreamChunk[]): void {
    for (const [seq, chunk] of this.#held) {
      if (!before(this.#next as number, seq)) {
        this.#held.delete(seq);
        this.#heldBytes -= chunk.data.length;
        this.#place(seq, chunk, out);
        return;
      }
    }
  }

  #skipGap(out: StreamChunk[]): void {
    let first: number | undefined;
    for (const seq of this.#held.keys()) if (first === undefined || before(seq, first)) first = seq;
    this.#next = first;
    this.#drain(out);
  }
}
