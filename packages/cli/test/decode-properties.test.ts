// Properties of what `bp decode` parses: capture files, link and IP layers, TCP reassembly,
// WebSocket frames, bp frame streams and hex text. All of it is hostile input: any bytes give a
// value or a CliError, never another exception, a hang or a copy per segment.
import { FieldDefinition, MessageStructure, ProtocolConfig, struct, u16, u32 } from '@bp/codec';
import { concat } from '@bp/test-kit/bytes';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ByteQueue } from '../src/byte-queue.js';
import { decodeCapture } from '../src/capture-decoder.js';
import { type CapturedPacket, readCapture } from '../src/capture-reader.js';
import { CliError } from '../src/cli-error.js';
import { FrameStream } from '../src/frame-stream.js';
import { parseHex } from '../src/hex-input.js';
import { type TcpSegment, tcpSegmentOf } from '../src/packet-layers.js';
import { pythonWirePlanOf } from '../src/python-wire-plan.js';
import { PythonWireStream } from '../src/python-wire-stream.js';
import { TcpReassembly } from '../src/tcp-reassembly.js';
import { WebSocketReader } from '../src/websocket-reader.js';

const RUNS = Number(process.env.CLI_FC_RUNS ?? 200);

/** Where to cut a stream: fractions of its length. */
const cutsArb = (most: number) => fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: most });

/** Everything `stream` gives for `bytes` pushed in the pieces `cuts` makes. */
function pushCut<T>(
  stream: { push(chunk: Uint8Array): T[] },
  bytes: Uint8Array,
  cuts: readonly number[],
): T[] {
  return cut(bytes, cuts).flatMap((chunk) => stream.push(chunk));
}

/** Cuts `bytes` at the given fractions of its length (sorted), as segments of a stream arrive. */
function cut(bytes: Uint8Array, fractions: readonly number[]): Uint8Array[] {
  const points = [...new Set(fractions.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    parts.push(bytes.subarray(from, p));
    from = p;
  }
  return parts;
}

/** Runs `f`; a CliError of one of `codes` is an answer too, anything else thrown fails the test. */
function valueOrCliError<T>(f: () => T, codes: readonly string[]): T | CliError {
  try {
    return f();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect(codes).toContain((error as CliError).code);
    expect((error as CliError).message.length).toBeGreaterThan(0);
    return error as CliError;
  }
}

const packetsArb = fc.array(
  fc.record({ linkType: fc.constantFrom(1, 101, 113, 276), data: fc.uint8Array({ maxLength: 80 }) }),
  { maxLength: 8 },
);

/** A capture file as its pieces: the file header, then one piece per record or block. */
interface CaptureParts {
  readonly parts: Uint8Array[];
  /** Which of the parts hold a packet. */
  readonly packet: boolean[];
}

function pcapFile(
  packets: readonly { data: Uint8Array }[],
  linkType: number,
  little: boolean,
  nanos: boolean,
): Uint8Array {
  return concat(pcapParts(packets, linkType, little, nanos).parts);
}

function pcapParts(
  packets: readonly { data: Uint8Array }[],
  linkType: number,
  little: boolean,
  nanos: boolean,
): CaptureParts {
  const head = new DataView(new ArrayBuffer(24));
  head.setUint32(0, nanos ? 0xa1b23c4d : 0xa1b2c3d4, little);
  head.setUint16(4, 2, little);
  head.setUint16(6, 4, little);
  head.setUint32(16, 65535, little);
  head.setUint32(20, linkType, little);
  const parts: Uint8Array[] = [new Uint8Array(head.buffer)];
  packets.forEach((p, i) => {
    const record = new DataView(new ArrayBuffer(16));
    record.setUint32(0, i, little);
    record.setUint32(8, p.data.length, little);
    record.setUint32(12, p.data.length, little);
    parts.push(concat([new Uint8Array(record.buffer), p.data]));
  });
  return { parts, packet: parts.map((_, i) => i > 0) };
}

function pcapngBlock(type: number, body: Uint8Array, little: boolean): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const block = new Uint8Array(12 + padded);
  const v = new DataView(block.buffer);
  v.setUint32(0, type, little);
  v.setUint32(4, block.length, little);
  block.set(body, 8);
  v.setUint32(block.length - 4, block.length, little);
  return block;
}

function pcapngFile(packets: readonly { linkType: number; data: Uint8Array }[], little: boolean): Uint8Array {
  return concat(pcapngParts(packets, little).parts);
}

function pcapngParts(
  packets: readonly { linkType: number; data: Uint8Array }[],
  little: boolean,
): CaptureParts {
  const shb = new DataView(new ArrayBuffer(16));
  shb.setUint32(0, 0x1a2b3c4d, little);
  shb.setUint16(4, 1, little);
  shb.setBigInt64(8, -1n, little);
  const blocks: Uint8Array[] = [pcapngBlock(0x0a0d0d0a, new Uint8Array(shb.buffer), little)];
  const packet = [false];
  const interfaces: number[] = [];
  for (const p of packets) {
    if (!interfaces.includes(p.linkType)) {
      interfaces.push(p.linkType);
      const idb = new DataView(new ArrayBuffer(8));
      idb.setUint16(0, p.linkType, little);
      idb.setUint32(4, 65535, little);
      blocks.push(pcapngBlock(1, new Uint8Array(idb.buffer), little));
      packet.push(false);
    }
    const epb = new Uint8Array(20 + p.data.length);
    const v = new DataView(epb.buffer);
    v.setUint32(0, interfaces.indexOf(p.linkType), little);
    v.setUint32(12, p.data.length, little);
    v.setUint32(16, p.data.length, little);
    epb.set(p.data, 20);
    blocks.push(pcapngBlock(6, epb, little));
    packet.push(true);
  }
  return { parts: blocks, packet };
}

describe('readCapture', () => {
  test('reads back the packets of any pcap file, in either byte order', () => {
    fc.assert(
      fc.property(packetsArb, fc.boolean(), fc.boolean(), (packets, little, nanos) => {
        const capture = readCapture(pcapFile(packets, 113, little, nanos));
        expect(capture).toMatchObject({ format: 'pcap', truncated: false });
        expect(capture.packets.map((p) => [p.number, p.linkType, [...p.data]])).toEqual(
          packets.map((p, i) => [i + 1, 113, [...p.data]]),
        );
      }),
      { numRuns: RUNS },
    );
  });

  test('reads back the packets of any pcapng file, each with its interface link type', () => {
    fc.assert(
      fc.property(packetsArb, fc.boolean(), (packets, little) => {
        const capture = readCapture(pcapngFile(packets, little));
        expect(capture).toMatchObject({ format: 'pcapng', truncated: false });
        expect(capture.packets.map((p) => [p.linkType, [...p.data]])).toEqual(
          packets.map((p) => [p.linkType, [...p.data]]),
        );
      }),
      { numRuns: RUNS },
    );
  });

  test('a capture cut anywhere keeps the packets before the cut, truncated unless cut between records', () => {
    fc.assert(
      fc.property(packetsArb, fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }), (packets, ng, f) => {
        const { parts, packet } = ng ? pcapngParts(packets, true) : pcapParts(packets, 1, true, false);
        const file = concat(parts);
        const at = Math.floor(f * file.length);
        const result = valueOrCliError(() => readCapture(file.subarray(0, at)), ['bad-capture']);
        if (result instanceof CliError) {
          // Too short for the magic number, or (pcap) for the file header.
          expect(at).toBeLessThan(ng ? 4 : 24);
          return;
        }
        let end = 0;
        let whole = 0;
        const boundaries = new Set([0]);
        parts.forEach((part, i) => {
          end += part.length;
          boundaries.add(end);
          if (packet[i] && end <= at) whole++;
        });
        expect(result.packets.map((p) => [...p.data])).toEqual(
          packets.slice(0, whole).map((p) => [...p.data]),
        );
        expect(result.truncated).toBe(!boundaries.has(at));
      }),
      { numRuns: RUNS },
    );
  });

  test('any bytes, or a capture with bytes changed, give packets inside the file or a bad-capture error', () => {
    const files = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc
        .tuple(
          packetsArb,
          fc.boolean(),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        )
        .map(([packets, ng, changes]) => {
          const file = ng ? pcapngFile(packets, false) : pcapFile(packets, 1, false, true);
          for (const [at, byte] of changes) file[at % file.length] = byte;
          return file;
        }),
    );
    fc.assert(
      fc.property(files, (file) => {
        const result = valueOrCliError(() => readCapture(file), ['bad-capture']);
        if (result instanceof CliError) return;
        for (const p of result.packets) {
          // Views of the file: a hostile length cannot make the reader allocate.
          expect(p.data.buffer).toBe(file.buffer);
          expect(p.data.byteOffset + p.data.length).toBeLessThanOrEqual(file.byteOffset + file.length);
        }
      }),
      { numRuns: RUNS * 5 },
    );
  });
});

interface Flow {
  readonly src: [number, number, number, number];
  readonly dst: [number, number, number, number];
  readonly srcPort: number;
  readonly dstPort: number;
}

function ipv4Tcp(
  flow: Flow,
  seq: number,
  syn: boolean,
  payload: Uint8Array,
  linkType: 1 | 101 | 113,
): Uint8Array {
  const link = linkType === 1 ? 14 : linkType === 113 ? 16 : 0;
  const packet = new Uint8Array(link + 40 + payload.length);
  const v = new DataView(packet.buffer);
  if (linkType === 1) v.setUint16(12, 0x0800);
  if (linkType === 113) v.setUint16(14, 0x0800);
  v.setUint8(link, 0x45);
  v.setUint16(link + 2, 40 + payload.length);
  v.setUint8(link + 9, 6);
  packet.set(flow.src, link + 12);
  packet.set(flow.dst, link + 16);
  v.setUint16(link + 20, flow.srcPort);
  v.setUint16(link + 22, flow.dstPort);
  v.setUint32(link + 24, seq);
  v.setUint8(link + 32, 0x50);
  v.setUint8(link + 33, syn ? 0x02 : 0x18);
  packet.set(payload, link + 40);
  return packet;
}

const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
const flowArb = fc.record({ src: octets, dst: octets, srcPort: fc.nat(65535), dstPort: fc.nat(65535) });

describe('tcpSegmentOf', () => {
  test('finds the flow, sequence number and payload of an IPv4 TCP packet on any link layer it reads', () => {
    fc.assert(
      fc.property(
        flowArb,
        fc.nat({ max: 0xffffffff }),
        fc.boolean(),
        fc.uint8Array({ maxLength: 64 }),
        fc.constantFrom(1 as const, 101 as const, 113 as const),
        (flow, seq, syn, payload, linkType) => {
          const segment = tcpSegmentOf(linkType, ipv4Tcp(flow, seq, syn, payload, linkType));
          expect(segment).toMatchObject({
            src: flow.src.join('.'),
            dst: flow.dst.join('.'),
            srcPort: flow.srcPort,
            dstPort: flow.dstPort,
            seq,
            syn,
          });
          expect([...(segment as TcpSegment).payload]).toEqual([...payload]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('any bytes on any link type give a segment inside the packet or none, and never throw', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 12, 14, 101, 108, 113, 276, 9999),
        fc.uint8Array({ maxLength: 120 }),
        (linkType, b) => {
          // Plausible headers more often than random bytes would give them.
          if (b.length > 20 && linkType === 101) b[0] = (b[0] & 0x0f) | (b[1] & 1 ? 0x40 : 0x60);
          const segment = tcpSegmentOf(linkType, b);
          if (segment === undefined) return;
          expect(segment.payload.buffer).toBe(b.buffer);
          expect(segment.payload.byteOffset + segment.payload.length).toBeLessThanOrEqual(b.length);
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });
});

/** A stream cut into segments, sent in any order, some of them twice. */
const deliveryArb = fc
  .tuple(
    fc.uint8Array({ minLength: 1, maxLength: 300 }),
    cutsArb(20),
    fc.nat({ max: 0xffffffff }),
    fc.array(fc.nat(), { maxLength: 30 }),
    fc.array(fc.nat(), { maxLength: 5 }),
  )
  .map(([stream, fractions, isn, order, again]) => {
    const parts = cut(stream, fractions).filter((p) => p.length > 0);
    const segments = parts.map((payload) => ({
      seq: (isn + payload.byteOffset) >>> 0,
      payload,
    }));
    // A shuffle from the drawn numbers, then retransmissions of some segments.
    const sent = segments.map((s, i) => ({ s, key: order[i] ?? i })).sort((a, b) => a.key - b.key);
    const all = sent.map((x) => x.s);
    for (const i of again) if (all.length > 0) all.push(all[i % all.length]);
    return { stream, isn, segments: all };
  });

function reassemble(segments: readonly { seq: number; payload: Uint8Array }[], isn: number, maxHeld: number) {
  const r = new TcpReassembly(maxHeld);
  const out = [
    r.accept(
      {
        src: 'a',
        dst: 'b',
        srcPort: 1,
        dstPort: 2,
        seq: (isn - 1) >>> 0,
        syn: true,
        payload: new Uint8Array(0),
      },
      0,
    ),
  ];
  segments.forEach((s, i) => {
    out.push(
      r.accept(
        { src: 'a', dst: 'b', srcPort: 1, dstPort: 2, seq: s.seq, syn: false, payload: s.payload },
        i + 1,
      ),
    );
  });
  return out.flat();
}

describe('TcpReassembly', () => {
  test('with room to hold them, segments in any order and retransmitted give the stream exactly', () => {
    fc.assert(
      fc.property(deliveryArb, ({ stream, isn, segments }) => {
        expect([...concat(reassemble(segments, isn, stream.length).map((c) => c.data))]).toEqual([...stream]);
      }),
      { numRuns: RUNS },
    );
  });

  test('with little room, what comes out is stream bytes in order, never repeated, gaps skipped', () => {
    fc.assert(
      fc.property(deliveryArb, fc.nat(40), ({ stream, isn, segments }, maxHeld) => {
        let next = 0;
        for (const chunk of reassemble(segments, isn, maxHeld)) {
          // Every payload is a view of `stream`, so a chunk's offset is its place in the stream.
          expect(chunk.data.buffer).toBe(stream.buffer);
          expect(chunk.data.byteOffset).toBeGreaterThanOrEqual(next);
          next = chunk.data.byteOffset + chunk.data.length;
        }
        expect(next).toBeLessThanOrEqual(stream.length);
      }),
      { numRuns: RUNS },
    );
  });

  test('many small segments out of order are put in order without deep recursion', () => {
    // Each held segment used to be drained by a recursive call: some thousands overflowed the stack.
    const count = 50_000;
    const stream = new Uint8Array(count).map((_, i) => i & 0xff);
    const segments = Array.from({ length: count }, (_, i) => ({
      seq: count - 1 - i,
      payload: stream.subarray(count - 1 - i, count - i),
    }));
    const out = reassemble(segments, 0, count);
    expect(concat(out.map((c) => c.data))).toEqual(stream);
  });
});

interface WsMessage {
  readonly data: Uint8Array;
  readonly fragments: readonly number[];
  readonly masked: boolean;
  readonly ping: boolean;
}

function wsFrame(
  opcode: number,
  fin: boolean,
  payload: Uint8Array,
  mask: Uint8Array | undefined,
): Uint8Array {
  const n = payload.length;
  const head =
    n < 126
      ? [n]
      : n < 65536
        ? [126, n >> 8, n & 0xff]
        : [127, 0, 0, 0, 0, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  head[0] |= mask === undefined ? 0 : 0x80;
  const body = payload.slice();
  if (mask !== undefined) for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
  return concat([new Uint8Array([(fin ? 0x80 : 0) | opcode, ...head]), mask ?? new Uint8Array(0), body]);
}

function wsStream(messages: readonly WsMessage[]): Uint8Array {
  const frames: Uint8Array[] = [];
  for (const m of messages) {
    const pieces = cut(m.data, m.fragments);
    pieces.forEach((piece, i) => {
      const mask = m.masked ? new Uint8Array([0x37, 0xfa, 0x21, i & 0xff]) : undefined;
      frames.push(wsFrame(i === 0 ? 0x2 : 0x0, i === pieces.length - 1, piece, mask));
      // Control frames may come between the fragments of a message.
      if (m.ping && i === 0) frames.push(wsFrame(0x9, true, new Uint8Array([1, 2]), mask));
    });
  }
  return concat(frames);
}

const wsMessagesArb = fc.array(
  fc.record({
    data: fc.uint8Array({ maxLength: 300 }),
    fragments: cutsArb(3),
    masked: fc.boolean(),
    ping: fc.boolean(),
  }),
  { maxLength: 5 },
);

describe('WebSocketReader', () => {
  test('gives every binary message, fragments joined and masks removed, however the stream is cut', () => {
    fc.assert(
      fc.property(wsMessagesArb, cutsArb(12), (messages, cuts) => {
        const reader = new WebSocketReader(1 << 16);
        const events = pushCut(reader, wsStream(messages), cuts);
        expect(events.map((e) => (e.type === 'binary' ? [...e.data] : e.type))).toEqual(
          messages.map((m) => [...m.data]),
        );
      }),
      { numRuns: RUNS },
    );
  });

  test('a fragmented text message is one text event, and none of it joins a binary message', () => {
    const reader = new WebSocketReader(1 << 16);
    const events = reader.push(
      concat([
        wsFrame(0x1, false, new TextEncoder().encode('he'), undefined),
        wsFrame(0x0, true, new TextEncoder().encode('llo'), undefined),
        wsFrame(0x2, true, new Uint8Array([7]), undefined),
      ]),
    );
    expect(events).toEqual([{ type: 'text' }, { type: 'binary', data: new Uint8Array([7]) }]);
  });

  test('any bytes give events no larger than the limit, and never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), cutsArb(6), fc.nat(200), (bytes, cuts, limit) => {
        for (const e of pushCut(new WebSocketReader(limit), bytes, cuts)) {
          if (e.type === 'binary') expect(e.data.length).toBeLessThanOrEqual(limit);
        }
      }),
      { numRuns: RUNS * 5 },
    );
  });
});

/** bp frames of every kind, with bodies of any bytes (most will not decode: that is a finding, not a crash). */
const framesArb = fc.array(
  fc.record({ kind: fc.integer({ min: 1, max: 13 }), body: fc.uint8Array({ maxLength: 40 }) }),
  { maxLength: 8 },
);

function bpFrames(frames: readonly { kind: number; body: Uint8Array }[]): Uint8Array {
  return concat(
    frames.map(({ kind, body }) =>
      concat([new Uint8Array([kind << 4, 0, body.length >> 8, body.length & 0xff]), body]),
    ),
  );
}

describe('FrameStream', () => {
  test('frames decode the same however the stream is cut, and nothing waits at the end', () => {
    fc.assert(
      fc.property(framesArb, cutsArb(12), (frames, cuts) => {
        const bytes = bpFrames(frames);
        const whole = new FrameStream({}).push(bytes);
        const stream = new FrameStream({});
        expect(JSON.stringify(pushCut(stream, bytes, cuts))).toBe(JSON.stringify(whole));
        expect(whole.map((f) => [f.kind, f.length])).toEqual(frames.map((f) => [f.kind, f.body.length]));
        expect(stream.pendingBytes).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  test('any bytes, cut anywhere, decode to frames or not-bp runs and never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), cutsArb(6), fc.boolean(), (bytes, cuts, messages) => {
        const stream = new FrameStream({}, messages);
        // A frame's length is its body's; a not-bp run's is its byte count.
        const seen = pushCut(stream, bytes, cuts).reduce(
          (n, f) => n + (f.kind === undefined ? 0 : 4) + f.length,
          0,
        );
        expect(seen + stream.pendingBytes).toBe(bytes.length);
      }),
      { numRuns: RUNS * 5 },
    );
  });
});

describe('PythonWireStream', () => {
  const protocol = new ProtocolConfig({
    messageTypeEnum: { READING: 1, NOTE: 2 },
    // A variable MessageStructure carries the `>I` payload length that frames it on this wire.
    messageStructures: {
      1: struct({ id: u32, level: u16 }),
      2: new MessageStructure([new FieldDefinition('text', String)]),
    },
    headerFormat: '>H',
    checksumEnabled: true,
    checksumSize: 1,
    checksumFunc: (bytes) => new Uint8Array([bytes.reduce((a, b) => a ^ b, 0)]),
  });
  const wire = pythonWirePlanOf(protocol);
  const messagesArb = fc.array(
    fc.oneof(
      fc
        .record({ id: fc.nat({ max: 0xffffffff }), level: fc.nat(0xffff) })
        .map((v) => protocol.encodeMessage(1, v)),
      fc.string({ maxLength: 20 }).map((text) => protocol.encodeMessage(2, { text })),
    ),
    { maxLength: 6 },
  );

  test('messages decode the same however the stream is cut, and nothing waits at the end', () => {
    fc.assert(
      fc.property(messagesArb, cutsArb(10), (messages, cuts) => {
        const bytes = concat(messages);
        const whole = new PythonWireStream(wire).push(bytes);
        expect(whole.map((m) => m.message?.typeName)).toEqual(
          messages.map((m) => (m[1] === 1 ? 'READING' : 'NOTE')),
        );
        const stream = new PythonWireStream(wire);
        expect(JSON.stringify(pushCut(stream, bytes, cuts))).toBe(JSON.stringify(whole));
        expect(stream.pendingBytes).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  test('any bytes, cut anywhere, give messages or runs that are not messages, and never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), cutsArb(6), (bytes, cuts) => {
        const stream = new PythonWireStream(wire);
        const seen = pushCut(stream, bytes, cuts).reduce((n, m) => n + m.length, 0);
        expect(seen + stream.pendingBytes).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: RUNS * 5 },
    );
  });
});

describe('ByteQueue', () => {
  test('holds what was appended and not consumed, and never changes bytes it returned', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 50 }), fc.nat(60)), { maxLength: 20 }),
        (steps) => {
          const queue = new ByteQueue();
          let model: number[] = [];
          const returned: [Uint8Array, number[]][] = [];
          for (const [chunk, take] of steps) {
            const bytes = queue.append(chunk);
            model = [...model, ...chunk];
            expect([...bytes]).toEqual(model);
            returned.push([bytes, [...bytes]]);
            const n = Math.min(take, model.length);
            queue.consume(n);
            model = model.slice(n);
            expect(queue.length).toBe(model.length);
          }
          for (const [view, copy] of returned) expect([...view]).toEqual(copy);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('parseHex', () => {
  const separated = fc
    .tuple(
      fc.uint8Array({ maxLength: 40 }),
      fc.array(fc.constantFrom('', ' ', ':', ',', '-', '|', '\n', ' 0x', '0X'), { maxLength: 40 }),
      fc.boolean(),
    )
    .map(([bytes, seps, upper]) => {
      const text = [...bytes].map((b, i) => `${seps[i] ?? ''}${b.toString(16).padStart(2, '0')}`).join('');
      return { bytes, text: upper ? text.toUpperCase() : text };
    });

  test('reads the bytes of hex text with any of the separators it takes', () => {
    fc.assert(
      fc.property(separated, ({ bytes, text }) => {
        expect([...parseHex(text)]).toEqual([...bytes]);
      }),
      { numRuns: RUNS },
    );
  });

  test('any text gives bytes or a bad-input error naming the character where it is', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          separated.map((s) => `${s.text}g`),
        ),
        (text) => {
          const result = valueOrCliError(() => parseHex(text), ['bad-input']);
          if (!(result instanceof CliError)) return;
          const named = /^hex input: (".*") at position (\d+)/.exec(result.message);
          if (named === null) {
            expect(result.message).toMatch(/odd number of digits/);
            return;
          }
          expect(text[Number(named[2])]).toBe(JSON.parse(named[1]));
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });
});

describe('decodeCapture', () => {
  test('any packets, well-formed TCP among them or not, give records and notes and never throw', () => {
    const flow: Flow = { src: [127, 0, 0, 1], dst: [127, 0, 0, 1], srcPort: 40000, dstPort: 7000 };
    const packetArb = fc.oneof(
      fc.record({ linkType: fc.constantFrom(1, 113, 276), data: fc.uint8Array({ maxLength: 80 }) }),
      fc
        .tuple(fc.nat(400), fc.boolean(), fc.oneof(fc.uint8Array({ maxLength: 60 }), framesArb.map(bpFrames)))
        .map(([seq, reverse, payload]) => ({
          linkType: 1,
          data: ipv4Tcp(
            reverse ? { src: flow.dst, dst: flow.src, srcPort: flow.dstPort, dstPort: flow.srcPort } : flow,
            seq,
            false,
            payload,
            1,
          ),
        })),
    );
    fc.assert(
      fc.property(fc.array(packetArb, { maxLength: 12 }), (packets) => {
        const captured: CapturedPacket[] = packets.map((p, i) => ({ number: i + 1, ...p }));
        const result = decodeCapture({ format: 'pcap', packets: captured, truncated: false });
        for (const record of result.records) expect(record.packet).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
