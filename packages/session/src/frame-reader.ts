import { FRAME_HEADER_SIZE, frameKindNames } from './frame-kind.js';
import { SessionError } from './session-error.js';

/** Receives the frames a {@link FrameReader} cuts out of the byte stream. */
export interface FrameSink {
  /**
   * One complete frame: its body is `source[start, end)`. When the frame lay in one chunk,
   * `source` is that chunk (no copy); otherwise it is a buffer holding just this body. The bytes
   * stay valid after the call (the reader never writes into a buffer it has handed out).
   */
  onFrame(kind: number, source: Uint8Array, start: number, end: number): void;
}

/** A maximum that marks a kind valid in the protocol but not allowed in the current state. */
export const NOT_NOW = -2;

/**
 * Per-kind body length bounds, indexed by frame kind (0..15). A maximum of -1 marks a kind that
 * is not valid at all, {@link NOT_NOW} one that is not allowed in the current state. The session changes them as the connection moves through its states; the
 * reader reads them afresh for every frame header.
 */
export interface FrameLimits {
  readonly min: Int32Array;
  readonly max: Int32Array;
}

/** Options of {@link FrameReader}. */
export interface FrameReaderOptions {
  /** Allocates the buffer for a frame that spans chunks (for tests that watch allocations). */
  allocate?: (size: number) => Uint8Array;
}

/** Creates limits that reject every kind; fill in the kinds that are allowed. */
export function createFrameLimits(): FrameLimits {
  return { min: new Int32Array(16), max: new Int32Array(16).fill(-1) };
}

/** A copy of `limits` to change (a table in use may be shared, see {@link sharedFrameLimits}). */
export function copyFrameLimits(limits: FrameLimits): FrameLimits {
  return { min: limits.min.slice(), max: limits.max.slice() };
}

/** At most this many tables are kept: keys come from our own limits, so a few are ever made. */
const SHARED_TABLES = 256;
const sharedTables = new Map<string, FrameLimits>();
const keyOfTable = new WeakMap<FrameLimits, string>();

/** The key a table was made under by {@link sharedFrameLimits}; undefined for any other table. */
export function sharedFrameLimitsKey(limits: FrameLimits): string | undefined {
  return keyOfTable.get(limits);
}

/**
 * The table named `key`, made by `make` the first time: sessions in the same phase with the
 * same limits share one (never written to afterwards), where each had two Int32Arrays of its own,
 * about 0.4 KB a connection.
 */
export function sharedFrameLimits(key: string, make: () => FrameLimits): FrameLimits {
  let limits = sharedTables.get(key);
  if (limits === undefined) {
    limits = make();
    keyOfTable.set(limits, key);
    if (sharedTables.size < SHARED_TABLES) sharedTables.set(key, limits);
  }
  return limits;
}

const allocateDefault = (size: number): Uint8Array => new Uint8Array(size);
/** The body of an empty frame whose header was cut by the end of a chunk. */
const NO_BODY = /* @__PURE__ */ new Uint8Array(0);

/** `bits` with the bytes `chunk[from..to)` appended, big-endian (a header is 4 bytes, an int32). */
function appendHeaderBytes(bits: number, chunk: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) bits = (bits << 8) | chunk[i];
  return bits;
}

/**
 * Incremental frame reader: feed it chunks of any size and it calls the sink once per complete
 * frame, in order. A frame that lies inside one chunk is passed as a view of that chunk; only
 * frames split across chunks are copied, into a buffer of exactly their body size, allocated after
 * the declared length passed the limit check (so a hostile length never allocates anything).
 *
 * Errors are thrown as {@link SessionError} with code `malformed-frame`, `payload-too-large` or
 * `unexpected-frame` (decided from the header alone, before any body byte is buffered) and the stream offset of the bad frame; after an error the reader refuses further input.
 */
export class FrameReader {
  readonly #sink: FrameSink;
  #limits: FrameLimits;
  readonly #allocate: (size: number) => Uint8Array;
  /**
   * The bytes of a header cut by the end of a chunk, big-endian (at most 3, so a small integer):
   * a buffer for them would be ~230 bytes on every connection, idle ones included.
   */
  #headerBits = 0;
  #headerFilled = 0;
  #body: Uint8Array | undefined;
  #bodyFilled = 0;
  #kind = 0;
  /** Stream offset of the first byte of the next chunk. */
  #consumed = 0;
  #stopped = false;
  #error: SessionError | undefined;

  constructor(sink: FrameSink, limits: FrameLimits, options: FrameReaderOptions = {}) {
    this.#sink = sink;
    this.#limits = limits;
    this.#allocate = options.allocate ?? allocateDefault;
  }

  /** The limits the next frame headers are checked against. */
  get limits(): FrameLimits {
    return this.#limits;
  }

  /** Checks the next frame headers against `limits` (the session's phase changed). */
  useLimits(limits: FrameLimits): void {
    this.#limits = limits;
  }

  /** Bytes held for a frame that is not complete yet (header and body). */
  get bufferedBytes(): number {
    return this.#headerFilled + this.#bodyFilled;
  }

  /**
   * True while a frame is partly received: some of its header, or its header and not all of its
   * body (its buffer may already be allocated even when no body byte has arrived).
   */
  get inFrame(): boolean {
    return this.#headerFilled > 0 || this.#body !== undefined;
  }

  /** Stops delivering frames, also in the middle of a chunk (the session closed). */
  stop(): void {
    this.#stopped = true;
  }

  /** True after {@link FrameReader.stop} or an error. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Feeds the next chunk of the stream. */
  push(chunk: Uint8Array): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#stopped) return;
    const length = chunk.length;
    let offset = 0;
    if (this.#headerFilled > 0 || this.#body !== undefined) {
      offset = this.#continuePartial(chunk);
      if (offset < 0 || this.#stopped) {
        this.#consumed += length;
        return;
      }
    }
    const sink = this.#sink;
    while (offset < length) {
      if (length - offset < FRAME_HEADER_SIZE) {
        this.#headerBits = appendHeaderBytes(0, chunk, offset, length);
        this.#headerFilled = length - offset;
        break;
      }
      const first = chunk[offset];
      const kind = first >>> 4;
      const bodyLength =
        ((first & 0x0f) << 24) | (chunk[offset + 1] << 16) | (chunk[offset + 2] << 8) | chunk[offset + 3];
      this.#check(kind, bodyLength, this.#consumed + offset);
      const start = offset + FRAME_HEADER_SIZE;
      const end = start + bodyLength;
      if (end > length) {
        this.#startBody(kind, bodyLength, chunk, start, length);
        break;
      }
      sink.onFrame(kind, chunk, start, end);
      if (this.#stopped) break;
      offset = end;
    }
    this.#consumed += length;
  }

  /** Completes the pending header and/or body; returns the offset after it, or -1 if `chunk` ran out. */
  #continuePartial(chunk: Uint8Array): number {
    let offset = 0;
    if (this.#headerFilled > 0) {
      const take = Math.min(FRAME_HEADER_SIZE - this.#headerFilled, chunk.length);
      const bits = appendHeaderBytes(this.#headerBits, chunk, 0, take);
      this.#headerFilled += take;
      if (this.#headerFilled < FRAME_HEADER_SIZE) {
        this.#headerBits = bits;
        return -1;
      }
      offset = take;
      const kind = bits >>> 28;
      const bodyLength = bits & 0x0fffffff;
      this.#headerBits = 0;
      this.#headerFilled = 0;
      this.#check(kind, bodyLength, this.#consumed - (FRAME_HEADER_SIZE - take));
      if (bodyLength === 0) {
        this.#sink.onFrame(kind, NO_BODY, 0, 0);
        return offset;
      }
      this.#startBody(kind, bodyLength, chunk, offset, offset);
    }
    const body = this.#body as Uint8Array;
    const take = Math.min(body.length - this.#bodyFilled, chunk.length - offset);
    body.set(chunk.subarray(offset, offset + take), this.#bodyFilled);
    this.#bodyFilled += take;
    offset += take;
    if (this.#bodyFilled < body.length) return -1;
    this.#body = undefined;
    this.#bodyFilled = 0;
    this.#sink.onFrame(this.#kind, body, 0, body.length);
    return offset;
  }

  #startBody(kind: number, bodyLength: number, chunk: Uint8Array, start: number, end: number): void {
    const body = this.#allocate(bodyLength);
    if (end > start) body.set(chunk.subarray(start, end));
    this.#body = body;
    this.#bodyFilled = end - start;
    this.#kind = kind;
  }

  #check(kind: number, bodyLength: number, at: number): void {
    const max = this.#limits.max[kind];
    if (bodyLength <= max && bodyLength >= this.#limits.min[kind]) return;
    const name = frameKindNames[kind];
    if (max === NOT_NOW) {
      this.#fail('unexpected-frame', `${name} frame is not allowed now`, at);
    } else if (max < 0) {
      this.#fail('malformed-frame', `unknown frame kind ${kind}`, at);
    } else if (max === this.#limits.min[kind]) {
      this.#fail('malformed-frame', `${name} frame of ${bodyLength} bytes, expected ${max}`, at);
    } else if (bodyLength > max) {
      this.#fail('payload-too-large', `${name} frame of ${bodyLength} bytes exceeds the limit of ${max}`, at);
    } else {
      this.#fail('malformed-frame', `${name} frame of ${bodyLength} bytes is too short`, at);
    }
  }

  #fail(
    code: 'malformed-frame' | 'payload-too-large' | 'unexpected-frame',
    message: string,
    offset: number,
  ): never {
    this.#error = new SessionError(code, message, { offset });
    this.#stopped = true;
    this.#body = undefined;
    throw this.#error;
  }
}
