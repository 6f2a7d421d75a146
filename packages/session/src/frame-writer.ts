import {
  errorFrameSize,
  goodbyeFrameSize,
  writeErrorInto,
  writeFrameHeader,
  writeGoodbyeInto,
  writeU32,
  writeU32FrameInto,
} from './control-frames.js';
import { FRAME_HEADER_SIZE, FrameKind } from './frame-kind.js';
import type { SessionLimits } from './limits.js';
import type { MessageTable } from './message-table.js';
import { OutgoingBuffer } from './outgoing-buffer.js';
import { peerLacksType } from './peer-types.js';
import type { SessionProtocol } from './protocol-types.js';
import { SessionError } from './session-error.js';
import { encodeText } from './text.js';
import type { SessionTransport } from './types.js';
import { UsageError } from './usage-error.js';

/** What the writer asks of its session when the peer reads slower than we write. */
export interface FrameWriterHost {
  /** The peer reads too slowly to keep the connection (`slowConsumer: 'close'`, or over `maxBufferedBytes`). */
  slowConsumer(queued: number): void;
  /** The queue is over `maxQueuedBytes` and the transport is full: stop reading from the peer. */
  pauseReading(): void;
  /** The queue fell to `lowWaterMark`: reading may resume. */
  resumeReading(): void;
}

/**
 * The output side of a session: frames are encoded straight into an {@link OutgoingBuffer},
 * handed to the transport once per microtask turn, and held back while the transport is full
 * (backpressure, docs/PROTOCOL.md section 11). Like ws' `Sender` next to its `WebSocket`, it knows
 * frames and bytes, not the session's states: the session tells it when to hold output
 * ({@link FrameWriter.hold}) and when to stop.
 */
export class FrameWriter {
  readonly out = new OutgoingBuffer();
  /** Output waits while the handshake runs; the handshake frames themselves bypass the queue. */
  hold = true;
  /** The transport said its buffer is full; output waits for {@link FrameWriter.unblock}. */
  blocked = false;
  /** Largest payload the peer accepts (from the handshake; our own limit until then). */
  peerMaxPayload: number;
  readonly #transport: SessionTransport;
  readonly #limits: SessionLimits;
  readonly #protocol: SessionProtocol;
  readonly #headerSize: number;
  /** Direct codec access for the hot paths; undefined when the protocol only offers the generic API. */
  #table: MessageTable | undefined;
  /** Version 2: this side's types the peer lacks (their codecs are gone from the table). */
  #absent: ReadonlySet<number> | undefined;
  readonly #host: FrameWriterHost;
  readonly #flushTask = (): void => this.flush();
  #flushScheduled = false;
  #stopped = false;
  /** Handshake frames written straight to the transport, past the outgoing queue. */
  #framesDirect = 0;
  #drainPromise: Promise<void> | undefined;
  #drainResolve: (() => void) | undefined;
  /**
   * The type of the frame being encoded, while user code may run inside the codec (a getter or
   * `valueOf` of the value), else undefined: its bytes are reserved but not written, so another
   * write in that time would land in them, and a flush would hand them out half done.
   */
  #encoding: number | undefined;
  /** Ready-made frames (a broadcast, a CANCEL) written meanwhile: they go in right behind it. */
  #behind: Uint8Array[] | undefined;

  constructor(
    transport: SessionTransport,
    limits: SessionLimits,
    protocol: SessionProtocol,
    table: MessageTable | undefined,
    host: FrameWriterHost,
  ) {
    this.#transport = transport;
    this.#limits = limits;
    this.#protocol = protocol;
    this.#headerSize = protocol.headerSize;
    this.#table = table;
    this.#host = host;
    this.peerMaxPayload = limits.maxPayloadSize;
  }

  /**
   * Encodes with `table` from now on (one resolved for this connection's peer, protocol version
   * 2); `absent` are the types it lacks because the peer does.
   */
  useTable(table: MessageTable, absent: ReadonlySet<number>): void {
    this.#table = table;
    this.#absent = absent;
  }

  /** Frames handed to the transport, queued ones once flushed. */
  get framesWritten(): number {
    return this.out.framesTaken + this.#framesDirect;
  }

  /** True while a frame is being encoded: only ready-made frames may wait behind it (see {@link FrameWriter.append}). */
  get encoding(): boolean {
    return this.#encoding !== undefined;
  }

  /** The error of a send() or request() (by `kind`) made while a frame is being encoded. */
  #reentrantCall(kind: number): UsageError {
    const type = this.#encoding as number;
    const name = this.#protocol.typeName(type);
    const call = kind === FrameKind.MESSAGE ? 'send()' : 'request()';
    return new UsageError(
      'reentrant-call',
      `${call} was called while message type ${type}${name === undefined ? '' : ` (${name})`} was being encoded (by a getter of its value?); call it after that send returns`,
    );
  }

  /**
   * Encodes a MESSAGE (id 0), REQUEST or RESPONSE straight into the outgoing buffer, after the
   * METADATA frame `metadata` when given: both or, when the value does not encode, neither.
   */
  writeTyped(kind: number, id: number, type: number, value: unknown, metadata?: Uint8Array): void {
    if (this.#encoding !== undefined) throw this.#reentrantCall(kind);
    const out = this.out;
    const queued = out.queued;
    const frames = out.frames;
    this.#encoding = type;
    try {
      if (metadata !== undefined) out.append(metadata);
      this.#writeTyped(kind, id, type, value);
    } catch (error) {
      out.position = out.start + queued;
      out.frames = frames;
      throw error;
    } finally {
      this.#encoding = undefined;
      const behind = this.#behind;
      if (behind !== undefined) {
        this.#behind = undefined;
        for (const frame of behind) out.append(frame);
        // The queue limits apply to them here: a failed write has no afterWrite() of its own.
        this.afterWrite();
      }
    }
  }

  #writeTyped(kind: number, id: number, type: number, value: unknown): void {
    const table = this.#table;
    if (table === undefined) {
      this.#writeTypedGeneric(kind, id, type, value);
      return;
    }
    const codec = table.codec(type);
    if (codec === undefined) {
      if (this.#absent?.has(type)) throw peerLacksType(this.#protocol, type, 'send');
      throw this.#encodeFailure(type, value, undefined);
    }
    let payload = codec.fixedSize;
    if (payload === undefined) {
      try {
        payload = codec.byteLength(value);
      } catch (error) {
        throw this.#encodeFailure(type, value, error);
      }
    }
    if (payload > this.peerMaxPayload) throw this.#tooLarge(payload);
    const idSize = kind === FrameKind.MESSAGE ? 0 : 4;
    const h = table.headerSize;
    const out = this.out;
    const at = out.reserve(FRAME_HEADER_SIZE + idSize + h + payload);
    const buffer = out.buffer;
    const typeAt = at + FRAME_HEADER_SIZE + idSize;
    let written: number;
    try {
      written = codec.encodeInto(value, buffer, typeAt + h);
    } catch (error) {
      throw this.#encodeFailure(type, value, error);
    }
    table.writeType(buffer, typeAt, type);
    const body = idSize + h + written;
    buffer[at] = (kind << 4) | (body >>> 24);
    buffer[at + 1] = body >>> 16;
    buffer[at + 2] = body >>> 8;
    buffer[at + 3] = body;
    if (idSize !== 0) writeU32(buffer, at + FRAME_HEADER_SIZE, id);
    out.position = at + FRAME_HEADER_SIZE + body;
    out.frames++;
  }

  /** The same through the protocol's generic API (protocols without `codecFor`). */
  #writeTypedGeneric(kind: number, id: number, type: number, value: unknown): void {
    const protocol = this.#protocol;
    const size = protocol.messageByteLength(type, value);
    if (size - this.#headerSize > this.peerMaxPayload) throw this.#tooLarge(size - this.#headerSize);
    const idSize = kind === FrameKind.MESSAGE ? 0 : 4;
    const out = this.out;
    const at = out.reserve(FRAME_HEADER_SIZE + idSize + size);
    const buffer = out.buffer;
    const written = protocol.encodeMessageInto(type, value, buffer, at + FRAME_HEADER_SIZE + idSize);
    const body = idSize + written;
    writeFrameHeader(buffer, at, kind, body);
    if (idSize !== 0) writeU32(buffer, at + FRAME_HEADER_SIZE, id);
    out.position = at + FRAME_HEADER_SIZE + body;
    out.frames++;
  }

  #tooLarge(payload: number): SessionError {
    return new SessionError(
      'payload-too-large',
      `payload of ${payload} bytes exceeds the peer's limit of ${this.peerMaxPayload}`,
    );
  }

  /**
   * The error to throw for a value that does not encode: the protocol's own error when it gives
   * one (its path names the message type), else the codec's.
   */
  #encodeFailure(type: number, value: unknown, error: unknown): unknown {
    try {
      const protocol = this.#protocol;
      const size = protocol.messageByteLength(type, value);
      protocol.encodeMessageInto(type, value, new Uint8Array(size), 0);
    } catch (labelled) {
      return labelled;
    }
    return error ?? new TypeError(`message type ${type} is not part of the protocol`);
  }

  /** Queues a PING, PONG or CANCEL frame. */
  writeU32Frame(kind: number, value: number): void {
    if (this.#encoding !== undefined) {
      // The CANCEL of a request that the value's getter aborted.
      const frame = new Uint8Array(8);
      writeU32FrameInto(frame, 0, kind, value);
      this.append(frame);
      return;
    }
    const out = this.out;
    const at = out.reserve(8);
    out.position = writeU32FrameInto(out.buffer, at, kind, value);
    out.frames++;
  }

  /** Queues an ERROR frame (`id` 0: the connection's, else the request's). */
  writeError(id: number, code: number, message: string): void {
    const text = encodeText(message);
    const out = this.out;
    const at = out.reserve(errorFrameSize(text.length));
    out.position = writeErrorInto(out.buffer, at, id, code, text);
    out.frames++;
  }

  /** Queues a GOODBYE frame. */
  writeGoodbye(code: number, deadline: number, reason: string): void {
    const text = encodeText(reason);
    const out = this.out;
    const at = out.reserve(goodbyeFrameSize(text.length));
    out.position = writeGoodbyeInto(out.buffer, at, code, deadline, text);
    out.frames++;
  }

  /** Queues a ready-made frame (METADATA, a pre-encoded MESSAGE). */
  append(frame: Uint8Array): void {
    if (this.#encoding === undefined) this.out.append(frame);
    else (this.#behind ??= []).push(frame);
  }

  /** Writes a handshake frame straight to the transport, ahead of everything queued. */
  writeDirect(frame: Uint8Array): void {
    this.#transport.write(frame);
    this.#framesDirect++;
  }

  /** Schedules the flush and applies the queue limits; returns what `send()` returns. */
  afterWrite(): boolean {
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flushTask);
    }
    const queued = this.out.queued;
    if (queued < this.#limits.maxQueuedBytes) return true;
    this.#overHighWater();
    return this.out.queued < this.#limits.maxQueuedBytes;
  }

  #overHighWater(): void {
    // A burst within one turn is not a slow consumer: hand it over now.
    if (!this.blocked) this.flush();
    if (!this.blocked || this.hold) return;
    const queued = this.out.queued;
    if (queued < this.#limits.maxQueuedBytes) return;
    if (this.#limits.slowConsumer === 'close' || queued > this.#limits.maxBufferedBytes) {
      this.#host.slowConsumer(queued);
      return;
    }
    this.#host.pauseReading();
  }

  /** Hands what is queued to the transport, unless output is held or the transport is full. */
  flush(): void {
    this.#flushScheduled = false;
    // From an abort listener that a getter set off: the frame's own send() flushes it later.
    if (this.blocked || this.hold || this.#encoding !== undefined) return;
    const chunk = this.out.take();
    if (chunk === undefined) return;
    if (!this.#transport.write(chunk)) this.blocked = true;
    if (this.out.queued <= this.#limits.lowWaterMark) this.#queueLow();
  }

  /** The transport drained: output may go on. */
  unblock(): void {
    this.blocked = false;
    this.flush();
  }

  /** Resolves once the queue is at or below `lowWaterMark` (at once after {@link FrameWriter.stop}). */
  drained(): Promise<void> {
    if (this.out.queued <= this.#limits.lowWaterMark || this.#stopped) return Promise.resolve();
    this.#drainPromise ??= new Promise<void>((resolve) => {
      this.#drainResolve = resolve;
    });
    return this.#drainPromise;
  }

  #queueLow(): void {
    this.releaseDrain();
    this.#host.resumeReading();
  }

  /** Resolves a pending `drained()`. */
  releaseDrain(): void {
    const resolve = this.#drainResolve;
    if (resolve !== undefined) {
      this.#drainResolve = undefined;
      this.#drainPromise = undefined;
      resolve();
    }
  }

  /** Hands over everything queued, ignoring backpressure (the transport is about to end). */
  handOver(): void {
    if (this.hold) return;
    const chunk = this.out.take();
    if (chunk !== undefined) this.#transport.write(chunk);
  }

  /** Drops what is queued and writes nothing more; `drained()` resolves at once from now on. */
  stop(): void {
    this.#stopped = true;
    this.hold = true;
    this.out.discard();
  }
}
