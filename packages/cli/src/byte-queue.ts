/**
 * The unread bytes of one direction of a stream, as chunks (TCP segments, WebSocket messages)
 * arrive. A frame that arrives in many small segments is copied a bounded number of times in all,
 * not once per segment (joining each chunk to what waits made decoding a capture quadratic in its
 * largest frame). The bytes wait in spare room at the end of one buffer, which is replaced by one
 * twice the size of what waits when it is full; how much waits is bounded by its readers, which
 * refuse a frame longer than the limit before they wait for it.
 *
 * Bytes once returned are never overwritten (new bytes go after them, or into a new buffer), so
 * views into them, as decoded frames keep, stay valid. A chunk is kept as it is when nothing
 * waits, so its owner must not change it afterwards (a capture's bytes are not changed).
 */
export class ByteQueue {
  #unread: Uint8Array = new Uint8Array(0);
  /** The buffer `#unread` lies in (from offset 0 on), when it is not a caller's chunk. */
  #own: Uint8Array | undefined;

  /** Bytes waiting. */
  get length(): number {
    return this.#unread.length;
  }

  /** The bytes waiting, without a copy. */
  get bytes(): Uint8Array {
    return this.#unread;
  }

  /** Appends `chunk` and returns every byte waiting; a chunk that arrives to an empty queue is not copied. */
  append(chunk: Uint8Array): Uint8Array {
    const unread = this.#unread;
    if (unread.length === 0) {
      this.#unread = chunk;
      this.#own = undefined;
      return chunk;
    }
    if (chunk.length === 0) return unread;
    const own = this.#own;
    const end = unread.byteOffset + unread.length;
    if (own !== undefined && end + chunk.length <= own.length) {
      own.set(chunk, end);
      this.#unread = own.subarray(unread.byteOffset, end + chunk.length);
    } else {
      const total = unread.length + chunk.length;
      const next = new Uint8Array(2 * total);
      next.set(unread);
      next.set(chunk, unread.length);
      this.#own = next;
      this.#unread = next.subarray(0, total);
    }
    return this.#unread;
  }

  /** Drops the first `count` bytes waiting (they were read). */
  consume(count: number): void {
    this.#unread = this.#unread.subarray(count);
  }

  /** Drops every byte waiting. */
  clear(): void {
    this.#unread = new Uint8Array(0);
    this.#own = undefined;
  }
}
