/**
 * Reads the WebSocket frames (RFC 6455) of one direction of a connection after its HTTP upgrade
 * and yields whole binary messages (fragments joined, masks removed). A frame longer than the
 * largest legal bp message (PROTOCOL.md 14.2) is refused before it is buffered.
 */
import { ByteQueue } from './byte-queue.js';

/** What the reader found in a chunk. */
export type WebSocketEvent =
  | { readonly type: 'binary'; readonly data: Uint8Array }
  | { readonly type: 'text' | 'close' }
  | { readonly type: 'too-large'; readonly length: number };

export class WebSocketReader {
  readonly #pending = new ByteQueue();
  #fragments: Uint8Array[] = [];
  #fragmentBytes = 0;
  #failed = false;
  /** A text message's first frame came without FIN: its continuations are text too. */
  #inText = false;

  /** @param maxMessage largest message accepted, in bytes */
  constructor(readonly maxMessage: number) {}

  push(chunk: Uint8Array): WebSocketEvent[] {
    if (this.#failed) return [];
    const data = this.#pending.append(chunk);
    const events: WebSocketEvent[] = [];
    let at = 0;
    for (;;) {
      if (data.length - at < 2) break;
      const fin = (data[at] & 0x80) !== 0;
      const opcode = data[at] & 0x0f;
      const masked = (data[at + 1] & 0x80) !== 0;
      let length = data[at + 1] & 0x7f;
      let head = 2;
      if (length === 126) {
        if (data.length - at < 4) break;
        length = (data[at + 2] << 8) | data[at + 3];
        head = 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        const high = ((data[at + 2] << 24) | (data[at + 3] << 16) | (data[at + 4] << 8) | data[at + 5]) >>> 0;
        const low = ((data[at + 6] << 24) | (data[at + 7] << 16) | (data[at + 8] << 8) | data[at + 9]) >>> 0;
        length = high * 2 ** 32 + low;
        head = 10;
      }
      if (length > this.maxMessage || this.#fragmentBytes + length > this.maxMessage) {
        this.#failed = true;
        this.#pending.clear();
        events.push({ type: 'too-large', length: this.#fragmentBytes + length });
        return events;
      }
      const maskAt = at + head;
      if (masked) head += 4;
      if (data.length - at < head + length) break;
      const payload = data.slice(at + head, at + head + length);
      if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= data[maskAt + (i & 3)];
      at += head + length;
      if (opcode === 0x8) events.push({ type: 'close' });
      else if (opcode === 0x1 || (opcode === 0x0 && this.#inText)) {
        this.#inText = !fin;
        if (fin) events.push({ type: 'text' });
      } else if (opcode === 0x2 || opcode === 0x0) {
        this.#fragments.push(payload);
        this.#fragmentBytes += payload.length;
        if (fin) {
          const message = new Uint8Array(this.#fragmentBytes);
          let o = 0;
          for (const f of this.#fragments) {
            message.set(f, o);
            o += f.length;
          }
          this.#fragments = [];
          this.#fragmentBytes = 0;
          events.push({ type: 'binary', data: message });
        }
      }
    }
    this.#pending.consume(at);
    return events;
  }
}
