import type { SessionProtocol } from '@bp/session';
import { type ClientOptions, type ConnectOptions, WebSocketClient } from './client.js';

/**
 * Connects to a bp WebSocket endpoint and resolves once the handshake is done. If this first
 * attempt fails the promise rejects (a `SessionError` such as `unauthorized` or
 * `schema-mismatch`, or a `ClientError` such as `connect-failed`) and nothing is retried; once
 * connected, a lost connection is re-established as `options.reconnect` says.
 * `connect(url, options)` is the same as `connect({ url, ...options })`.
 *
 * @example
 * ```ts
 * const client = await connect({ url: 'wss://example.com/bp', protocol, token });
 * const value = await client.request(MessageType.GET, { key: 'a' });
 * client.on(MessageType.SENSOR_DATA, draw);
 * ```
 */
export function connect<P extends SessionProtocol>(options: ConnectOptions<P>): Promise<WebSocketClient<P>>;
export function connect<P extends SessionProtocol>(
  url: string,
  options: ClientOptions<P>,
): Promise<WebSocketClient<P>>;
export async function connect<P extends SessionProtocol>(
  first: string | ConnectOptions<P>,
  rest?: ClientOptions<P>,
): Promise<WebSocketClient<P>> {
  const client = new WebSocketClient(withUrl(first, rest), 'fail-fast');
  await client.ready;
  return client;
}

/**
 * Creates a client that connects in the background and keeps retrying with backoff, also for the
 * first connection (a page that loads while the server restarts still connects). Calls made
 * before it is open are queued (or fail, see `whileDisconnected`); watch `onStateChange` or await
 * `ready`. `createClient(url, options)` is the same as `createClient({ url, ...options })`.
 */
export function createClient<P extends SessionProtocol>(options: ConnectOptions<P>): WebSocketClient<P>;
export function createClient<P extends SessionProtocol>(
  url: string,
  options: ClientOptions<P>,
): WebSocketClient<P>;
export function createClient<P extends SessionProtocol>(
  first: string | ConnectOptions<P>,
  rest?: ClientOptions<P>,
): WebSocketClient<P> {
  return new WebSocketClient(withUrl(first, rest), 'retry');
}

function withUrl<P extends SessionProtocol>(
  first: string | ConnectOptions<P>,
  rest: ClientOptions<P> | undefined,
): ConnectOptions<P> {
  if (typeof first !== 'string') return first;
  if (rest === undefined) throw new TypeError('connect(url, options): `options` with `protocol` is required');
  return { ...rest, url: first };
}
