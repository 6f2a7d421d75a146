/**
 * Decodes the bp traffic of a capture: TCP connections put back in order, WebSocket connections
 * with a bp subprotocol unwrapped, each direction cut into frames as the dissector does.
 */
import { ByteQueue } from './byte-queue.js';
import type { Capture } from './capture-reader.js';
import type { DecodedFrame } from './decoded-frame.js';
import type { ProtocolPlan } from './field-plan.js';
import { isFrameKind, maxFrameBody } from './frame-decoder.js';
import { FrameStream } from './frame-stream.js';
import { type TcpSegment, tcpSegmentOf } from './packet-layers.js';
import type { PythonWirePlan } from './python-wire-plan.js';
import { PythonWireStream } from './python-wire-stream.js';
import { TcpReassembly } from './tcp-reassembly.js';
import { WebSocketReader } from './websocket-reader.js';
import { WEBSOCKET_SUBPROTOCOLS } from './wire.js';

/** One decoded frame and where it was found. */
export interface DecodeRecord {
  /** The capture packet that completed the frame (undefined for hex or raw input). */
  readonly packet: number | undefined;
  /** `source -> destination` of its direction. */
  readonly stream: string | undefined;
  readonly transport: 'bytes' | 'tcp' | 'websocket';
  readonly frame: DecodedFrame;
}

/** What {@link decodeCapture} found. */
export interface CaptureDecode {
  readonly records: DecodeRecord[];
  /** Things a reader should know: TLS that cannot be read, connections that were not bp, unfinished frames. */
  readonly notes: string[];
}

/** Options of {@link decodeCapture}. */
export interface CaptureOptions {
  readonly plan?: ProtocolPlan | undefined;
  /** Only connections with one of these ports; without, every connection that looks like bp. */
  readonly ports?: readonly number[];
  /**
   * Decode TCP connections as the Python binary_protocol wire of this plan instead of bp frames
   * (the wire has no handshake: every connection, or those on `ports`, is taken as it).
   */
  readonly binaryProtocol?: PythonWirePlan | undefined;
}

/** What cuts one direction into frames: bp's frames, or the binary_protocol wire's messages. */
interface FrameSource {
  push(chunk: Uint8Array): DecodedFrame[];
  readonly pendingBytes: number;
}

type Mode = 'new' | 'bp' | 'http-request' | 'http-response' | 'ws-wait' | 'websocket' | 'skip';

interface Direction {
  readonly name: string;
  readonly reverse: string;
  readonly reassembly: TcpReassembly;
  mode: Mode;
  frames?: FrameSource;
  websocket?: WebSocketReader;
  /** The HTTP upgrade's bytes so far, then what the client sent before the server's 101. */
  readonly http: ByteQueue;
}

const latin1 = new TextDecoder('latin1');
const HEADER_END = [13, 10, 13, 10];
/**
 * Largest HTTP upgrade request or response head taken for a WebSocket handshake; a stream whose
 * head grows past it is skipped. Four times Node's default `maxHeaderSize` (16 KiB), the limit of
 * the `http.Server` a bp WebSocket endpoint attaches to unless its owner raised it.
 */
const MAX_HTTP_HEAD = 65536;

function headerEnd(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 4 <= bytes.length; i++) {
    if (HEADER_END.every((b, j) => bytes[i + j] === b)) return i + 4;
  }
  return -1;
}

/** Decodes every bp frame in a capture. */
export function decodeCapture(capture: Capture, options: CaptureOptions = {}): CaptureDecode {
  const { plan, ports, binaryProtocol } = options;
  const limit = maxFrameBody(plan) + 14;
  const directions = new Map<string, Direction>();
  const records: DecodeRecord[] = [];
  const notes: string[] = [];

  const direction = (s: TcpSegment): Direction => {
    const name = `${s.src}:${s.srcPort} -> ${s.dst}:${s.dstPort}`;
    let d = directions.get(name);
    if (d === undefined) {
      d = {
        name,
        reverse: `${s.dst}:${s.dstPort} -> ${s.src}:${s.srcPort}`,
        reassembly: new TcpReassembly(4 * limit),
        mode:
          ports !== undefined && ports.length > 0 && !ports.includes(s.srcPort) && !ports.includes(s.dstPort)
            ? 'skip'
            : 'new',
        http: new ByteQueue(),
      };
      directions.set(name, d);
    }
    return d;
  };

  const emit = (
    d: Direction,
    packet: number,
    transport: DecodeRecord['transport'],
    frames: DecodedFrame[],
  ): void => {
    for (const frame of frames) records.push({ packet, stream: d.name, transport, frame });
  };

  const startWebSocket = (d: Direction, subprotocol: string, rest: Uint8Array, packet: number): void => {
    d.mode = 'websocket';
    d.websocket = new WebSocketReader(limit);
    d.frames = new FrameStream({ plan, subprotocol }, true);
    if (rest.length > 0) feedWebSocket(d, rest, packet);
  };

  const feedWebSocket = (d: Direction, data: Uint8Array, packet: number): void => {
    for (const event of d.websocket!.push(data)) {
      if (event.type === 'binary') emit(d, packet, 'websocket', d.frames!.push(event.data));
      else if (event.type === 'text')
        notes.push(`${d.name}: a WebSocket text message (packet ${packet}) is not bp`);
      else if (event.type === 'too-large') {
        notes.push(
          `${d.name}: a WebSocket message of ${event.length} bytes (packet ${packet}) is above the largest bp message`,
        );
      }
    }
  };

  const feed = (d: Direction, data: Uint8Array, packet: number): void => {
    if (d.mode === 'new' && binaryProtocol !== undefined) {
      d.mode = 'bp';
      d.frames = new PythonWireStream(binaryProtocol);
    }
    if (d.mode === 'new') {
      const text = latin1.decode(data.subarray(0, 5));
      if (text.startsWith('GET ')) d.mode = 'http-request';
      else if (text === 'HTTP/') d.mode = 'http-response';
      else if (data[0] === 0x16 && data[1] === 0x03) {
        notes.push(
          `${d.name}: TLS; bp decode cannot decrypt it (Wireshark can, with the key log: see bp wireshark --help)`,
        );
        d.mode = 'skip';
      } else {
        const plausible =
          data.length < 4 ||
          (isFrameKind(data[0] >> 4) &&
            (((data[0] & 0x0f) << 24) | (data[1] << 16) | (data[2] << 8) | data[3]) <= limit);
        d.mode = plausible || (ports !== undefined && ports.length > 0) ? 'bp' : 'skip';
        if (d.mode === 'bp') d.frames = new FrameStream({ plan });
      }
    }
    switch (d.mode) {
      case 'bp':
        emit(d, packet, 'tcp', d.frames!.push(data));
        return;
      case 'websocket':
        feedWebSocket(d, data, packet);
        return;
      case 'ws-wait': {
        if (d.http.length + data.length > 4 * limit) {
          d.mode = 'skip';
          return;
        }
        d.http.append(data);
        return;
      }
      case 'http-request':
      case 'http-response': {
        const before = d.http.length;
        const joined = d.http.append(data);
        if (joined.length > MAX_HTTP_HEAD) {
          d.mode = 'skip';
          d.http.clear();
          return;
        }
        // Only the new bytes (and the three before them) can complete the blank line.
        const end = headerEnd(joined, Math.max(0, before - 3));
        if (end < 0) return;
        const head = latin1.decode(joined.subarray(0, end));
        const rest = joined.subarray(end);
        d.http.clear();
        if (d.mode === 'http-request') {
          // The client waits for the server's 101; keep what follows the request for then.
          d.http.append(rest);
          d.mode = 'ws-wait';
          return;
        }
        const chosen = /^sec-websocket-protocol:\s*([^\r\n]*)/im.exec(head)?.[1]?.trim();
        const reverse = directions.get(d.reverse);
        if (
          /^HTTP\/1\.1 101/.test(head) &&
          chosen !== undefined &&
          (WEBSOCKET_SUBPROTOCOLS as readonly string[]).includes(chosen)
        ) {
          startWebSocket(d, chosen, rest, packet);
          if (reverse !== undefined) {
            const early = reverse.http.bytes;
            reverse.http.clear();
            startWebSocket(reverse, chosen, early, packet);
          }
        } else {
          d.mode = 'skip';
          if (reverse !== undefined) reverse.mode = 'skip';
        }
        return;
      }
      default:
        return;
    }
  };

  for (const packet of capture.packets) {
    const segment = tcpSegmentOf(packet.linkType, packet.data);
    if (segment === undefined) continue;
    const d = direction(segment);
    if (d.mode === 'skip') continue;
    for (const chunk of d.reassembly.accept(segment, packet.number)) feed(d, chunk.data, chunk.packet);
  }
  for (const d of directions.values()) {
    if (d.frames !== undefined && d.frames.pendingBytes > 0) {
      notes.push(
        `${d.name}: the capture ends inside a ${binaryProtocol ? 'message' : 'frame'} (${d.frames.pendingBytes} bytes of it)`,
      );
    }
  }
  if (capture.truncated) notes.push('the capture file ends inside a packet record (cut off)');
  return { records, notes };
}
