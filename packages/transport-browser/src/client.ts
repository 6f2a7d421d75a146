import {
  type FirstConnection,
  ReconnectingClient,
  type ReconnectingClientOptions,
  type SessionProtocol,
} from '@bp/session';
import { type WebSocketConnection, type WebSocketDialOptions, webSocketDialer } from './websocket-dialer.js';

/** Options of {@link connect} and {@link createClient}: the shared client options plus where to dial. */
export interface ConnectOptions<P extends SessionProtocol>
  extends ReconnectingClientOptions<P>,
    WebSocketDialOptions {}

/** @deprecated use {@link ConnectOptions} (with `url`, or `connect(url, options)`); kept for one release. */
export type ClientOptions<P extends SessionProtocol> = Omit<ConnectOptions<P>, 'url'>;

type WakeTarget = {
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
};

/**
 * A bp client over WebSocket: the reconnecting client of `@bp/session` (state, backoff, queue
 * while disconnected, resubscription, iterators across reconnects) with a WebSocket dialer, plus
 * what a page needs: a reconnect is tried at once when the browser reports `online` or the tab
 * becomes visible again, instead of at the end of a backoff that timer throttling stretched.
 */
export class WebSocketClient<P extends SessionProtocol> extends ReconnectingClient<P, WebSocketConnection> {
  /** The endpoint URL (`ws://` or `wss://`). */
  readonly url: string;

  readonly #onWake = (): void => {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
    this.retryNow();
  };

  /** Use {@link connect} or {@link createClient}. */
  constructor(options: ConnectOptions<P>, first: FirstConnection = 'fail-fast') {
    super(webSocketDialer(options), options, first);
    this.url = options.url;
    const target = globalThis as WakeTarget;
    if (typeof target.addEventListener !== 'function') return;
    target.addEventListener('online', this.#onWake);
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.#onWake);
    this.onClose(() => {
      target.removeEventListener?.('online', this.#onWake);
      if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.#onWake);
    });
  }
}
