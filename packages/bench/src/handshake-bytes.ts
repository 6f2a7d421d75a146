import { f32, f64, ProtocolConfig, struct, u8, u32, withDefault } from '@bp/codec';
import {
  createClientSession,
  createServerSession,
  type Session,
  type SessionProtocol,
  type SessionTransport,
} from '@bp/session';
import { BenchType, benchProtocol } from './competitors/bp-protocol.js';

/** Bytes each way until both sides of a handshake are open (docs/PROTOCOL.md sections 5, 7.6). */
export interface HandshakeBytes {
  readonly clientToServer: number;
  readonly serverToClient: number;
  /** Frames each way (HELLO, SCHEMA, WELCOME...). */
  readonly framesClientToServer: number;
  readonly framesServerToClient: number;
  /** The protocol version agreed. */
  readonly version: number;
}

/**
 * A newer version of the benchmark protocol, a typical compatible change: SENSOR gains a
 * defaulted `battery`, REPORT_REPLY a defaulted `dropped` counter.
 */
export const benchProtocolV2 = new ProtocolConfig({
  messageTypeEnum: BenchType,
  maxPayloadSize: benchProtocol.maxPayloadSize,
  messageStructures: {
    ...benchProtocol.messageStructures,
    [BenchType.SENSOR]: struct({ x: f32, y: f32, z: f32, w: f32, battery: withDefault(u8, 100) }),
    [BenchType.REPORT_REPLY]: struct({
      received: u32,
      errors: u32,
      bytes: f64,
      dropped: withDefault(u32, 0),
    }),
  },
  responses: benchProtocol.responses,
});

/** Runs one handshake between in-memory sessions and counts what crossed. */
export async function measureHandshake(
  serverProtocol: SessionProtocol,
  clientProtocol: SessionProtocol,
  options: { maxVersion?: number } = {},
): Promise<HandshakeBytes> {
  const counts = { c2s: 0, s2c: 0, fc2s: 0, fs2c: 0 };
  let server!: Session;
  let client!: Session;
  const pipe = (direction: 'c2s' | 's2c'): SessionTransport => ({
    write(chunk) {
      const copy = chunk.slice();
      counts[direction] += copy.length;
      counts[direction === 'c2s' ? 'fc2s' : 'fs2c'] += countFrames(copy);
      queueMicrotask(() => (direction === 'c2s' ? server : client).receive(copy));
      return true;
    },
    end() {},
    destroy() {},
  });
  server = createServerSession({
    protocol: serverProtocol,
    transport: pipe('s2c'),
    maxVersion: options.maxVersion,
  });
  client = createClientSession({
    protocol: clientProtocol,
    transport: pipe('c2s'),
    maxVersion: options.maxVersion,
  });
  await Promise.all([server.ready, client.ready]);
  const version = client.peer?.version ?? 0;
  server.transportClosed();
  client.transportClosed();
  return {
    clientToServer: counts.c2s,
    serverToClient: counts.s2c,
    framesClientToServer: counts.fc2s,
    framesServerToClient: counts.fs2c,
    version,
  };
}

/** Whole frames in `chunk` (sessions hand over whole frames). */
function countFrames(chunk: Uint8Array): number {
  let n = 0;
  for (let at = 0; at + 4 <= chunk.length; n++) {
    at += 4 + (((chunk[at] & 0x0f) << 24) | (chunk[at + 1] << 16) | (chunk[at + 2] << 8) | chunk[at + 3]);
  }
  return n;
}

/**
 * The handshake's cost for the benchmark protocol (13 message types): version 1, version 3 (the
 * default; its handshake is version 2's) with
 * equal schemas, and version 3 between an old-schema client and a new-schema server (two types
 * resolved), and the reverse.
 */
export async function handshakeBytesReport(): Promise<Record<string, HandshakeBytes>> {
  return {
    'version 1, equal schemas': await measureHandshake(benchProtocol, benchProtocol, { maxVersion: 1 }),
    'version 3, equal schemas': await measureHandshake(benchProtocol, benchProtocol),
    'version 3, old client, new server': await measureHandshake(benchProtocolV2, benchProtocol),
    'version 3, new client, old server': await measureHandshake(benchProtocol, benchProtocolV2),
  };
}
