import type { Socket } from 'node:net';

/** Bytes gathered before `send` asks the caller to wait. */
const HIGH_WATER = 256 * 1024;
/** First buffer of a turn: below 4 KiB, Buffer.allocUnsafe slices it from Node's shared pool. */
const FIRST = 1024;
/** A turn's buffer doubles up to this, then what it holds is written early. */
const LARGEST = 1024 * 1024;

/**
 * Gathers the frames written during one event-loop turn into one buffer and writes it to the
 * socket once, at the end of the turn (setImmediate runs after the promise continuations that
 * queue more frames). One socket write per message caps Node near 0.2-0.3 M msgs/s; one per turn
 * is what makes the hand-written reference a near-the-limit one.
 */
export class CoalescingWriter {
  // Allocated on the first frame of a turn and handed to the socket at its end, so an idle
  // connection holds no buffer at all.
  private buffer: Buffer | null = null;
  private used = 0;
  private scheduled = false;
  private drainWaiter: Promise<void> | null = null;
  private readonly flushNow = () => {
    this.scheduled = false;
    this.flush();
  };

  constructor(private readonly socket: Socket) {}

  /**
   * Space for one frame of `length` bytes after its u32 length prefix, which is written here;
   * the caller fills [offset, offset + length) of the returned buffer before the turn ends.
   */
  frame(length: number): { buffer: Buffer; offset: number } {
    const total = 4 + length;
    const need = this.used + total;
    if (this.buffer !== null && need > this.buffer.length) {
      if (need > LARGEST) this.flush();
      else {
        // Grow by doubling: a turn with one small reply allocates little, a busy one copies
        // its frames O(log n) times and still writes once.
        const grown = Buffer.allocUnsafe(Math.min(LARGEST, Math.max(need, 2 * this.buffer.length)));
        this.buffer.copy(grown, 0, 0, this.used);
        this.buffer = grown;
      }
    }
    this.buffer ??= Buffer.allocUnsafe(Math.max(FIRST, total));
    const buffer = this.buffer;
    const offset = this.used;
    buffer.writeUInt32BE(length, offset);
    this.used += total;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushNow);
    }
    return { buffer, offset: offset + 4 };
  }

  /** Whether the caller may go on writing without waiting for `drained()`. */
  get writable(): boolean {
    return this.used < HIGH_WATER && !this.socket.writableNeedDrain;
  }

  /** Writes what was gathered now. */
  flush(): void {
    if (this.buffer === null || this.used === 0 || this.socket.destroyed) return;
    // The socket keeps `out` until it is written, so the next frames go into a fresh buffer.
    const out = this.buffer.subarray(0, this.used);
    this.buffer = null;
    this.used = 0;
    this.socket.write(out);
  }

  /** Resolves once the socket has room again (after flushing what was gathered). */
  drained(): Promise<void> {
    this.flush();
    if (!this.socket.writableNeedDrain || this.socket.destroyed) return Promise.resolve();
    this.drainWaiter ??= new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        this.drainWaiter = null;
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
    return this.drainWaiter;
  }
}
