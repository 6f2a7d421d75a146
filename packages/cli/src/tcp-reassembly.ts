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

/**
 * One direction's reassembly. Out-of-order segments wait by their position in the stream (bytes
 * since the first sequence number seen, so that positions do not wrap as sequence numbers do) in
 * a min-heap: each waits once and leaves once, so a capture of many small segments sent out of
 * order costs n log n, not n squared, and the recursion that once drained them (and overflowed the
 * stack at some thousands of segments) is a loop.
 */
export class TcpReassembly {
  /** Sequence number of the next byte in order. */
  #next: number | undefined;
  /** Stream position of that byte. */
  #nextAt = 0;
  readonly #held = new Map<number, StreamChunk>();
  /** The positions in `#held`, as a binary min-heap. */
  readonly #waiting: number[] = [];
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
    // A signed distance: a retransmission of bytes already passed lies before the next byte.
    const at = this.#nextAt + ((segment.seq - this.#next) | 0);
    const chunk: StreamChunk = { packet, data: segment.payload };
    const out: StreamChunk[] = [];
    if (at > this.#nextAt) {
      this.#hold(at, chunk);
      while (this.#heldBytes > this.maxHeldBytes) this.#skipGap(out);
    } else {
      this.#emit(at, chunk, out);
      this.#drain(out);
    }
    return out;
  }

  /** Emits what `chunk`, at stream position `at` (not after the next byte), adds to the stream. */
  #emit(at: number, chunk: StreamChunk, out: StreamChunk[]): void {
    const skip = this.#nextAt - at;
    if (skip >= chunk.data.length) return;
    const data = chunk.data.subarray(skip);
    out.push({ packet: chunk.packet, data });
    this.#advance(data.length);
  }

  #advance(bytes: number): void {
    this.#nextAt += bytes;
    this.#next = ((this.#next as number) + bytes) >>> 0;
  }

  #hold(at: number, chunk: StreamChunk): void {
    const held = this.#held.get(at);
    if (held !== undefined) {
      // A retransmission that carries more than the first copy replaces it.
      if (held.data.length >= chunk.data.length) return;
      this.#heldBytes += chunk.data.length - held.data.length;
      this.#held.set(at, chunk);
      return;
    }
    this.#held.set(at, chunk);
    this.#heldBytes += chunk.data.length;
    const heap = this.#waiting;
    let i = heap.push(at) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent] <= at) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = at;
  }

  /** Removes the lowest position waiting. */
  #popWaiting(): number {
    const heap = this.#waiting;
    const top = heap[0];
    const last = heap.pop() as number;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const child = left + 1 < heap.length && heap[left + 1] < heap[left] ? left + 1 : left;
        if (heap[child] >= last) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }

  /** Emits the waiting segments the stream has reached. */
  #drain(out: StreamChunk[]): void {
    while (this.#waiting.length > 0 && this.#waiting[0] <= this.#nextAt) {
      const at = this.#popWaiting();
      const chunk = this.#held.get(at) as StreamChunk;
      this.#held.delete(at);
      this.#heldBytes -= chunk.data.length;
      this.#emit(at, chunk, out);
    }
  }

  /** Takes the gap before the first waiting segment as lost, and goes on after it. */
  #skipGap(out: StreamChunk[]): void {
    this.#advance(this.#waiting[0] - this.#nextAt);
    this.#drain(out);
  }
}
