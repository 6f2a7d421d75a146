import { f32, i32, ProtocolConfig, string, struct, u32 } from '@bp/codec';
import {
  type ClientSessionOptions,
  createClientSession,
  createFrameLimits,
  createMemoryTransportPair,
  createServerSession,
  encodeHello,
  FrameReader,
  type MemoryTransport,
  type MemoryTransportOptions,
  type ServerSessionOptions,
  type Session,
  schemaFingerprint,
} from '../src/index.js';

/** The example protocol of docs/PROTOCOL.md section 4. */
export enum Type {
  POSITION = 1,
  GET = 2,
  VALUE = 3,
}

export const exampleProtocol = new ProtocolConfig({
  messageTypeEnum: Type,
  messageStructures: {
    [Type.POSITION]: struct({ x: f32, y: f32 }),
    [Type.GET]: struct({ key: u32 }),
    [Type.VALUE]: struct({ key: u32, value: i32 }),
  },
  responses: { [Type.GET]: Type.VALUE },
});

/** A richer protocol for session tests: requests both ways, strings, a slow request. */
export enum T {
  NOTE = 1,
  ECHO = 2,
  ECHO_REPLY = 3,
  ADD = 4,
  SUM = 5,
  TICK = 6,
  ASK = 7,
  ANSWER = 8,
}

export const testProtocol = new ProtocolConfig({
  messageTypeEnum: T,
  messageStructures: {
    [T.NOTE]: struct({ text: string() }),
    [T.ECHO]: struct({ text: string(), delay: u32 }),
    [T.ECHO_REPLY]: struct({ text: string() }),
    [T.ADD]: struct({ a: i32, b: i32 }),
    [T.SUM]: struct({ sum: i32 }),
    [T.TICK]: struct({ n: u32 }),
    [T.ASK]: struct({ question: string() }),
    [T.ANSWER]: struct({ answer: string() }),
  },
  responses: { [T.ECHO]: T.ECHO_REPLY, [T.ADD]: T.SUM, [T.ASK]: T.ANSWER },
});

export type TestProtocol = typeof testProtocol;

export interface Pair<P extends ProtocolConfig<any, any>> {
  client: Session<P>;
  server: Session<P>;
  clientEnd: MemoryTransport;
  serverEnd: MemoryTransport;
}

/** A client and a server session over an in-memory transport pair. */
export function connect<P extends ProtocolConfig<any, any>>(
  options: {
    server?: Omit<ServerSessionOptions<P>, 'transport' | 'protocol'> & { protocol?: P };
    client?: Omit<ClientSessionOptions<P>, 'transport' | 'protocol'> & { protocol?: P };
    transport?: MemoryTransportOptions;
  } & { protocol: P },
): Pair<P> {
  const [serverEnd, clientEnd] = createMemoryTransportPair(options.transport);
  const server = createServerSession<P>({
    protocol: options.protocol,
    ...options.server,
    transport: serverEnd,
  });
  serverEnd.attach(server);
  const client = createClientSession<P>({
    protocol: options.protocol,
    ...options.client,
    transport: clientEnd,
  });
  clientEnd.attach(client);
  return { client, server, clientEnd, serverEnd };
}

/** Lets queued microtasks and zero-delay timers run. */
export function settle(turns = 5): Promise<void> {
  let p = Promise.resolve();
  for (let i = 0; i < turns; i++) p = p.then(() => new Promise<void>((r) => setTimeout(r, 0)));
  return p;
}

/** Cuts `bytes` into frames with every kind allowed at any length (for inspecting output). */
export function readFramesForTest(bytes: Uint8Array): { kind: number; body: Uint8Array }[] {
  const limits = createFrameLimits();
  for (let kind = 1; kind <= 15; kind++) {
    limits.min[kind] = 0;
    limits.max[kind] = 0x0fffffff;
  }
  const frames: { kind: number; body: Uint8Array }[] = [];
  new FrameReader(
    { onFrame: (kind, source, start, end) => frames.push({ kind, body: source.slice(start, end) }) },
    limits,
  ).push(bytes);
  return frames;
}

/** A transport that records what a session writes; the test feeds the session by hand. */
export class RecordingTransport {
  readonly chunks: Uint8Array[] = [];
  ended = false;
  destroyed = false;
  destroyError: Error | undefined;
  accept = true;
  paused = false;
  write(chunk: Uint8Array): boolean {
    this.chunks.push(chunk.slice());
    return this.accept;
  }
  end(): void {
    this.ended = true;
  }
  destroy(error?: Error): void {
    this.destroyed = true;
    this.destroyError = error;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  /** The frames written so far (and forgets them). */
  take(): { kind: number; body: Uint8Array }[] {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const all = new Uint8Array(total);
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    this.chunks.length = 0;
    return readFramesForTest(all);
  }
}

/** A HELLO for `protocol`, as a real client would send it. */
export function helloFor(
  protocol: ProtocolConfig<any, any>,
  overrides: Partial<Parameters<typeof encodeHello>[0]> = {},
): Uint8Array {
  const { fingerprint, digests } = schemaFingerprint(protocol.describe());
  return encodeHello({
    minVersion: 1,
    maxVersion: 1,
    maxPayloadSize: 1024 * 1024,
    fingerprint,
    token: undefined,
    digests,
    ...overrides,
  });
}

/** A server session over a {@link RecordingTransport}, past the handshake. */
export async function openRawServer<P extends ProtocolConfig<any, any>>(
  protocol: P,
  options: Omit<ServerSessionOptions<P>, 'transport' | 'protocol'> = {},
) {
  const transport = new RecordingTransport();
  const session = createServerSession<P>({ protocol, transport, ...options });
  session.receive(helloFor(protocol));
  await session.ready;
  await Promise.resolve();
  transport.take();
  return { session, transport };
}

/** Reads a big-endian u32. */
export function readU32ForTest(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at);
}
