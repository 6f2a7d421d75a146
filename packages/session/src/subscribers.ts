import { type HandlerErrorReport, reportHandlerError } from './handler-errors.js';
import { EMPTY_METADATA, type Metadata } from './metadata.js';
import { OptionsCache } from './options-cache.js';
import type { SessionProtocol } from './protocol-types.js';
import type { HandlerContext } from './types.js';
import { UsageError } from './usage-error.js';

/** A handler or subscriber as stored: the value and its context. */
export type Listener = (value: unknown, context: HandlerContext<any>) => unknown;

const NO_HANDLERS: ReadonlyMap<number, Listener> = new Map();
/** A server gives every connection the same handlers object: its sessions share one table. */
const handlerTables = /* @__PURE__ */ new OptionsCache<SessionProtocol, ReadonlyMap<number, Listener>>();

/**
 * Throws {@link UsageError} `unknown-type` unless `type` is one of the protocol's message types:
 * a handler for a type no peer can send would never run, so the mistake is reported where it is
 * made. `where` names the call or option, for the message.
 */
export function requireType(protocol: SessionProtocol, type: number, where: string): void {
  if (protocol.hasType(type)) return;
  throw new UsageError(
    'unknown-type',
    `${where}: message type ${String(type)} is not part of the protocol; use a type of its messageStructures`,
  );
}

/** The `handlers` option as a table by type, checked against the protocol. */
function handlerTable(protocol: SessionProtocol, handlers: object): ReadonlyMap<number, Listener> {
  const table = new Map<number, Listener>();
  for (const [key, handler] of Object.entries(handlers)) {
    if (typeof handler !== 'function') continue;
    const type = Number(key);
    requireType(protocol, type, `handlers[${key}]`);
    table.set(type, handler as Listener);
  }
  return table;
}

/**
 * Who gets which message type: the handlers given at creation (which also answer requests) and
 * the subscribers added with `on()`. Subscriber arrays are replaced, never mutated, so a dispatch
 * loop is not disturbed by an unsubscribe inside a handler.
 */
export class Subscribers {
  /**
   * The `handlers` option: one per type; for request types, the one that answers. Shared by the
   * sessions made with the same protocol and handlers object, so never written.
   */
  readonly handlers: ReadonlyMap<number, Listener>;
  /** Subscribers by type; made by the first `on()` (most sessions have handlers only). */
  #listeners: Map<number, Listener[]> | undefined;
  readonly #protocol: SessionProtocol;
  readonly #report: HandlerErrorReport;
  /** Makes the context one-way handlers get; called once, on the first message delivered. */
  readonly #createContext: () => HandlerContext<any>;
  #context: HandlerContext<any> | undefined;

  constructor(
    protocol: SessionProtocol,
    handlers: object | undefined,
    report: HandlerErrorReport,
    createContext: () => HandlerContext<any>,
  ) {
    this.#protocol = protocol;
    this.#report = report;
    this.#createContext = createContext;
    this.handlers =
      handlers === undefined
        ? NO_HANDLERS
        : handlerTables.get(protocol, handlers, () => handlerTable(protocol, handlers));
  }

  /** Adds a subscriber of `type`; returns its unsubscribe function. */
  on(type: number, handler: (value: any) => void): () => void {
    requireType(this.#protocol, type, 'on()');
    const listener = handler as Listener;
    const listeners = (this.#listeners ??= new Map<number, Listener[]>());
    listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    return () => {
      const list = listeners.get(type);
      if (list === undefined) return;
      const index = list.indexOf(listener);
      if (index < 0) return;
      const next = list.filter((_, i) => i !== index);
      if (next.length === 0) listeners.delete(type);
      else listeners.set(type, next);
    };
  }

  /**
   * Delivers one one-way message: the handler first, then the subscribers in order. `metadata` is
   * what their context's `metadata` reads during the call.
   */
  deliver(type: number, value: unknown, metadata: Metadata = EMPTY_METADATA): void {
    const context = (this.#context ??= this.#createContext()) as { metadata: Metadata };
    if (context.metadata !== metadata) context.metadata = metadata;
    const handler = this.handlers.get(type);
    if (handler !== undefined) this.#call(handler, type, value);
    const list = this.#listeners?.get(type);
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) this.#call(list[i], type, value);
  }

  #call(listener: Listener, type: number, value: unknown): void {
    try {
      listener(value, (this.#context ??= this.#createContext()));
    } catch (error) {
      reportHandlerError(this.#report, error, type, undefined, true);
    }
  }
}
