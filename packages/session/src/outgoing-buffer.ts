/**
 * Size of the first buffer; each new one doubles, up to {@link MAX_SLAB}. Small, so that a
 * connection that sent its handshake and a reply or two holds no buffer at all: each of those
 * buffers has less than {@link MIN_TAIL} left after its flush and is let go.
 */
const FIRST_SLAB = 256;
/** Largest buffer allocated for ordinary traffic (a bigger frame gets a buffer of its size). */
const MAX_SLAB = 64 * 1024;
/** When less than this is left after a flush, the next frame starts a fresh buffer. */
const MIN_TAIL = 512;
const EMPTY = new Uint8Array(0);

/**
 * The outgoing queue: frames are encoded straight into one growing buffer, and a flush hands the
 * bytes written since the previous flush to the transport as one chunk.
 *
 * A chunk given to the transport may be held by it until the OS has sent it, so its bytes are
 * never written again: after a flush the next frames go after it in the same buffer, and a new
 * buffer is allocated only when this one is full. That is one allocation per 64 KiB of output,
 * not one per frame or per flush. Buffers start small and double in size as they fill, so a new
 * connection holds none once it has flushed, and one gone quiet lets go of its own
 * ({@link OutgoingBuffer.release}).
 */
export class OutgoingBuffer {
  /** The buffer frames are written into; replaced when it runs out of room. */
  buffer: Uint8Array = EMPTY;
  /** Start of the bytes not flushed yet. */
  start = 0;
  /** End of the bytes written. */
  position = 0;
  /** Frames written since the last flush; the writer counts each frame it completes. */
  frames = 0;
  /** Frames handed out by {@link OutgoingBuffer.take} so far. */
  framesTaken = 0;
  #nextSlab = FIRST_SLAB;

  /** Bytes written and not yet handed to the transport. */
  get queued(): number {
    return this.position - this.start;
  }

  /**
   * Makes room for `size` more bytes and returns the offset to write them at (then set
   * {@link OutgoingBuffer.position} past them).
   */
  reserve(size: number): number {
    if (this.position + size <= this.buffer.length) return this.position;
    const queued = this.position - this.start;
    let capacity = this.#nextSlab;
    if (capacity < MAX_SLAB) this.#nextSlab = capacity * 2;
    while (capacity < queued + size) capacity *= 2;
    const next = new Uint8Array(capacity);
    // The unflushed part must stay contiguous: it leaves as one chunk.
    if (queued > 0) next.set(this.buffer.subarray(this.start, this.position));
    this.buffer = next;
    this.start = 0;
    this.position = queued;
    return queued;
  }

  /** Appends `bytes` (a ready-made frame). */
  append(bytes: Uint8Array): void {
    const at = this.reserve(bytes.length);
    this.buffer.set(bytes, at);
    this.position = at + bytes.length;
    this.frames++;
  }

  /** Removes and returns the unflushed bytes, or undefined when there are none. */
  take(): Uint8Array | undefined {
    if (this.position === this.start) return undefined;
    const chunk = this.buffer.subarray(this.start, this.position);
    if (this.buffer.length - this.position < MIN_TAIL) {
      // Allocate the next buffer when a frame needs it, not now: the connection may go idle.
      this.buffer = EMPTY;
      this.position = 0;
    }
    this.start = this.position;
    this.framesTaken += this.frames;
    this.frames = 0;
    return chunk;
  }

  /**
   * Lets go of the buffer when nothing is waiting in it, and starts the next one small again
   * (the connection has gone quiet; see {@link Liveness}).
   */
  release(): void {
    if (this.position !== this.start) return;
    this.buffer = EMPTY;
    this.start = 0;
    this.position = 0;
    this.#nextSlab = FIRST_SLAB;
  }

  /** Drops everything not flushed yet. */
  discard(): void {
    this.start = this.position;
    this.frames = 0;
  }
}
