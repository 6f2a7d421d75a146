/**
 * Splits a byte stream into length-prefixed frames (`u32 big-endian length` then the frame):
 * the hand-written reference's reader. Whole frames inside one chunk are handed out as views of
 * that chunk (no copy); a frame split across chunks is gathered into one buffer of its exact
 * size, so a large frame is copied once rather than re-concatenated with every chunk.
 */
export class FrameReader {
  private partial: Buffer | null = null;
  private filled = 0;
  private readonly header = Buffer.alloc(4);
  private headerFilled = 0;

  /**
   * @param onFrame receives the buffer and the [start, end) range of one frame (without its
   *   length prefix); the buffer is not reused by the reader.
   * @param maxFrame frames above this length are a protocol error.
   */
  constructor(
    private readonly onFrame: (buffer: Buffer, start: number, end: number) => void,
    private readonly maxFrame = 64 * 1024 * 1024,
  ) {}

  /** Feeds bytes from the stream, in any chunking. */
  push(chunk: Buffer): void {
    let offset = 0;
    const n = chunk.length;
    while (offset < n) {
      if (this.partial !== null) {
        const take = Math.min(this.partial.length - this.filled, n - offset);
        chunk.copy(this.partial, this.filled, offset, offset + take);
        this.filled += take;
        offset += take;
        if (this.filled === this.partial.length) {
          const frame = this.partial;
          this.partial = null;
          this.onFrame(frame, 0, frame.length);
        }
        continue;
      }
      if (this.headerFilled > 0 || n - offset < 4) {
        const take = Math.min(4 - this.headerFilled, n - offset);
        chunk.copy(this.header, this.headerFilled, offset, offset + take);
        this.headerFilled += take;
        offset += take;
        if (this.headerFilled < 4) return;
        this.headerFilled = 0;
        this.startPartial(this.header.readUInt32BE(0));
        continue;
      }
      const length = chunk.readUInt32BE(offset);
      this.check(length);
      if (offset + 4 + length <= n) {
        this.onFrame(chunk, offset + 4, offset + 4 + length);
        offset += 4 + length;
      } else {
        offset += 4;
        this.startPartial(length);
      }
    }
  }

  private startPartial(length: number): void {
    this.check(length);
    if (length === 0) {
      this.onFrame(this.header, 0, 0);
      return;
    }
    this.partial = Buffer.allocUnsafe(length);
    this.filled = 0;
  }

  private check(length: number): void {
    if (length > this.maxFrame) throw new RangeError(`frame of ${length} bytes is above ${this.maxFrame}`);
  }
}
