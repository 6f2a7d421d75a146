import type { DecodedMessageLike } from './inbound-message.js';

/** How a `BinaryClient` talks to its server: a TCP/TLS stream or UDP datagrams. */
export interface ClientLink {
  /** Sends one encoded message; resolves once handed to the OS. */
  send(message: Uint8Array): Promise<void>;
  /** The next received message, within `timeout` ms (0: no limit). */
  receive(timeout: number): Promise<DecodedMessageLike>;
  /** Closes the link; pending and later reads reject with `connection-closed`. */
  close(): void;
  readonly open: boolean;
}
