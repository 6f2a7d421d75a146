import type { ProtocolConfig } from '@bp/codec';
import { concat } from '@bp/test-kit/bytes';
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

// The protocols are @bp/test-kit's; the session tests know them by these names.
export {
  ExampleType as Type,
  exampleProtocol,
  type SessionProtocol as TestProtocol,
  SessionType as T,
  sessionProtocol as testProtocol,
} from '@bp/test-kit/protocols';

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
    const all = concat(this.chunks);
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
