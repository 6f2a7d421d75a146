import { jsonEnvelopes, msgpackEnvelopes } from './envelope.js';
import type { Competitor } from './types.js';

/** How one alternative is loaded (lazily, so a process loads only the libraries it runs). */
export interface CompetitorEntry {
  id: string;
  label: string;
  /** bp itself, the hand-written near-the-limit reference, or what users would pick instead. */
  family: 'bp' | 'reference' | 'alternative';
  /** The transport underneath, for `--transports` and for pairing bp with its reference. */
  transport: 'tcp' | 'tls' | 'ws' | 'http' | 'grpc';
  load(): Promise<Competitor>;
}

/**
 * Every alternative the harness knows, in the order tables list them: bp first, then the
 * hand-written references, then what users would pick instead.
 */
export const COMPETITORS: readonly CompetitorEntry[] = [
  {
    id: 'bp-tcp',
    label: 'bp (TCP)',
    family: 'bp',
    transport: 'tcp',
    load: async () => (await import('./bp.js')).bpCompetitor('tcp'),
  },
  {
    id: 'bp-tls',
    label: 'bp (TLS)',
    family: 'bp',
    transport: 'tls',
    load: async () => (await import('./bp.js')).bpCompetitor('tls'),
  },
  {
    id: 'bp-ws',
    label: 'bp (WebSocket)',
    family: 'bp',
    transport: 'ws',
    load: async () => (await import('./bp.js')).bpCompetitor('ws'),
  },
  {
    id: 'bp-binary-protocol',
    label: 'bp, Python binary_protocol wire (TCP)',
    family: 'bp',
    transport: 'tcp',
    load: async () => (await import('./binary-protocol.js')).binaryProtocolCompetitor(),
  },
  {
    id: 'raw-tcp',
    label: 'hand-written framing (TCP)',
    family: 'reference',
    transport: 'tcp',
    load: async () => (await import('./raw.js')).rawCompetitor(false),
  },
  {
    id: 'raw-tls',
    label: 'hand-written framing (TLS)',
    family: 'reference',
    transport: 'tls',
    load: async () => (await import('./raw.js')).rawCompetitor(true),
  },
  {
    id: 'http-json',
    label: 'HTTP/1.1 + JSON (undici)',
    family: 'alternative',
    transport: 'http',
    load: async () => (await import('./http-json.js')).httpJsonCompetitor,
  },
  {
    id: 'ws-json',
    label: 'WebSocket + JSON (ws)',
    family: 'alternative',
    transport: 'ws',
    load: async () => (await import('./ws.js')).wsCompetitor(async () => jsonEnvelopes),
  },
  {
    id: 'ws-msgpackr',
    label: 'WebSocket + msgpackr (ws)',
    family: 'alternative',
    transport: 'ws',
    load: async () => (await import('./ws.js')).wsCompetitor(msgpackEnvelopes),
  },
  {
    id: 'socket-io',
    label: 'socket.io (WebSocket transport)',
    family: 'alternative',
    transport: 'ws',
    load: async () => (await import('./socket-io.js')).socketIoCompetitor,
  },
  {
    id: 'grpc',
    label: 'gRPC (grpc-js + protobuf)',
    family: 'alternative',
    transport: 'grpc',
    load: async () => (await import('./grpc.js')).grpcCompetitor,
  },
];

/** The entry for an id; throws a RangeError listing the known ids. */
export function competitorEntry(id: string): CompetitorEntry {
  const entry = COMPETITORS.find((c) => c.id === id);
  if (entry === undefined) {
    throw new RangeError(`unknown competitor "${id}" (known: ${COMPETITORS.map((c) => c.id).join(', ')})`);
  }
  return entry;
}

/** The reference a bp transport is held against in the targets (bp-tcp -> raw-tcp). */
export function referenceFor(id: string): string | undefined {
  return id === 'bp-tcp' ? 'raw-tcp' : id === 'bp-tls' ? 'raw-tls' : undefined;
}
