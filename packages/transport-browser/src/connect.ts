import type { SessionProtocol } from '@bp/session';
import { type ClientOptions, WebSocketClient } from './client.js';

/**
 * Connects to a bp WebSocket endpoint and resolves once the handshake is done. If this first
 * attempt fails the promise rejects (a `SessionError` such as `unauthorized` or
 * `schema-mismatch`, or a `ClientError` such as `connect-failed`) and nothing is retried; once
 * connected, a lost connection is re-established as `options.reconnect` says.
 *
 * @example
 * ```ts
 * const client = await connect('wss://example.com/bp', { protocol, token });
 * const value = await client.request(MessageType.GET, { key: 'a' });
 * client.on(MessageType.SENSOR_DATA, draw);
 * ```
 */
export async function connect<P extends SessionProtocol>(
  url: string,
  options: ClientOptions<P>,
): Promise<WebSocketClient<P>> {
  const client = new WebSocketClient(url, options, true);
  await client.ready;
  return client;
}

/**
 * Creates a client that connects in the background and keeps retrying with backoff, also for the
 * first connection (a page that loads while the server restarts still connects). Calls made
 * before it is open are queued (or fail, see `whileDisconnected`); watch `onStateChange`.
 */
export function createClient<P extends SessionProtocol>(
  url: string,
  options: ClientOptions<P>,
): WebSocketClient<P> {
  return new WebSocketClient(url, options, false);
}
