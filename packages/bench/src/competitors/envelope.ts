import type { BlobValue, MessageName, StreamReport, SubscribeSpec } from '../workload/messages.js';

/**
 * The message envelope the WebSocket alternatives carry, as a developer would write it for JSON
 * or MessagePack: a kind tag, a request id where a reply is expected, and the value.
 * - client to server: `q` request, `s` one-way, `r` report request, `sub` subscribe
 * - server to client: `a` answer, `r` report, `p` push
 */
export type Envelope =
  | { t: 'q'; m: MessageName; i: number; v: unknown }
  | { t: 's'; m: MessageName; v: unknown }
  | { t: 'r'; i: number; v?: StreamReport }
  | { t: 'sub'; v: SubscribeSpec }
  | { t: 'a'; i: number; v: unknown }
  | { t: 'p'; v: unknown };

/** How one alternative turns envelopes into WebSocket messages and back. */
export interface EnvelopeCodec {
  /** Whether messages go as binary frames (else text). */
  readonly binary: boolean;
  encode(envelope: Envelope): string | Uint8Array;
  decode(data: Buffer): Envelope;
  /** A value as it travels inside the envelope (JSON needs blobs as base64). */
  toWire(name: MessageName, value: unknown): unknown;
  /** A value from inside a received envelope. */
  fromWire(name: MessageName, value: unknown): unknown;
}

/** JSON text frames; blob bytes as base64, as a JSON API must carry them. */
export const jsonEnvelopes: EnvelopeCodec = {
  binary: false,
  encode: (envelope) => JSON.stringify(envelope),
  decode: (data) => JSON.parse(data.toString('utf8')) as Envelope,
  toWire: (name, value) => (name === 'blob' ? toBase64Blob(value as BlobValue) : value),
  fromWire: (name, value) =>
    name === 'blob' ? fromBase64Blob(value as { seq: number; data: string }) : value,
};

/** A blob with its bytes as base64 text. */
export function toBase64Blob(value: BlobValue): { seq: number; data: string } {
  const data = value.data;
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { seq: value.seq, data: buffer.toString('base64') };
}

/** The inverse of toBase64Blob. */
export function fromBase64Blob(value: { seq: number; data: string }): BlobValue {
  return { seq: value.seq, data: Buffer.from(value.data, 'base64') };
}

/** MessagePack binary frames with msgpackr's default `pack`/`unpack`; bytes travel as bin. */
export async function msgpackEnvelopes(): Promise<EnvelopeCodec> {
  const { pack, unpack } = await import('msgpackr');
  return {
    binary: true,
    encode: (envelope) => pack(envelope),
    decode: (data) => unpack(data) as Envelope,
    toWire: (_name, value) => value,
    fromWire: (_name, value) => value,
  };
}
