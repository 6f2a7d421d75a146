import {
  type BroadcastResult,
  type CallHandler,
  type CallResult,
  composeInterceptors,
  type Interceptor,
  type Session,
  type SessionProtocol,
} from '@bp/session';
import { type EncodedMessage, FRAME_HEADER_SIZE } from '@bp/session/wire';

/** Where a broadcast goes on this server, as the last step of the chain needs it. */
export interface BroadcastPlan<P extends SessionProtocol> {
  readonly message: EncodedMessage;
  readonly rooms: readonly string[] | undefined;
  readonly exceptRooms: readonly string[] | undefined;
  readonly volatile: boolean;
  readonly local: boolean;
  readonly except: ReadonlySet<Session<P>> | undefined;
}

/** What the server reports interceptor errors to (its `onHandlerError`). */
export type BroadcastErrorReport =
  | ((error: unknown, context: { readonly type: number; readonly requestId?: number }) => void)
  | undefined;

/** Every count 0: a broadcast an interceptor skipped, stopped or has not let through yet. */
export const NOTHING_DELIVERED: BroadcastResult = Object.freeze({
  sent: 0,
  congested: 0,
  dropped: 0,
  tooLarge: 0,
  notOpen: 0,
  absent: 0,
});

const NO_METADATA = Object.freeze({});
const NEVER_ABORTED = new AbortController().signal;
/** The plan rides on the call under a symbol, so that `{ ...call }` in an interceptor keeps it. */
const PLAN: unique symbol = Symbol('bp.broadcastPlan');
/** Decoding a pre-encoded frame for the interceptors is skipped when `broadcast` had the value. */
export const NOT_DECODED: unique symbol = Symbol('bp.notDecoded');

interface PlannedCall<P extends SessionProtocol> {
  readonly [PLAN]?: { readonly plan: BroadcastPlan<P>; result: BroadcastResult | undefined };
}

/**
 * The server's interceptors around its broadcasts: one call of kind `'broadcast'` per broadcast
 * (see `BroadcastCallOf` of `@bp/session`), whose last step delivers the already-encoded frame to
 * every member. Created only when the server has interceptors, so that without them a broadcast
 * takes its direct path and allocates nothing for them.
 */
export class BroadcastInterception<P extends SessionProtocol> {
  readonly #protocol: P;
  readonly #chain: CallHandler<P>;
  readonly #report: BroadcastErrorReport;

  /** Undefined without interceptors. `deliver` is the direct path (local delivery, then the adapter). */
  static create<P extends SessionProtocol>(
    protocol: P,
    interceptors: readonly Interceptor<P>[] | undefined,
    report: BroadcastErrorReport,
    deliver: (plan: BroadcastPlan<P>) => BroadcastResult,
  ): BroadcastInterception<P> | undefined {
    const chain = composeInterceptors<P>(interceptors, (call) => {
      const planned = (call as PlannedCall<P>)[PLAN];
      if (call.kind !== 'broadcast' || planned === undefined) {
        return Promise.reject(
          new TypeError(
            'rooms.broadcast: an interceptor passed on a call that is not the broadcast it was given (pass `call` or `{ ...call }`)',
          ),
        );
      }
      // At most once: an interceptor that calls next() again gets the first outcome, and the
      // members do not get the frame twice.
      const result = planned.result ?? deliver(planned.plan);
      planned.result = result;
      return Promise.resolve({ value: undefined, metadata: NO_METADATA, broadcast: result } as CallResult<P>);
    });
    return chain === undefined ? undefined : new BroadcastInterception(protocol, chain, report);
  }

  private constructor(protocol: P, chain: CallHandler<P>, report: BroadcastErrorReport) {
    this.#protocol = protocol;
    this.#chain = chain;
    this.#report = report;
  }

  /**
   * Runs the chain for one broadcast. Returns what was delivered if the chain let it through at
   * once (every interceptor called `next` without awaiting first), else {@link NOTHING_DELIVERED}
   * (skipped, stopped, or still on its way: the interceptors see the real outcome). An interceptor's
   * error goes to `onHandlerError` (or the console), as for one-way messages: it never throws here.
   */
  run(plan: BroadcastPlan<P>, value: unknown): BroadcastResult {
    const message = plan.message;
    const holder = { plan, result: undefined as BroadcastResult | undefined };
    const call = {
      kind: 'broadcast' as const,
      direction: 'outgoing' as const,
      type: message.type,
      typeName: this.#protocol.typeName(message.type),
      value:
        value === NOT_DECODED ? this.#protocol.decodeMessage(message.frame, FRAME_HEADER_SIZE).value : value,
      metadata: NO_METADATA,
      rooms: plan.rooms,
      exceptRooms: plan.exceptRooms,
      volatile: plan.volatile,
      local: plan.local,
      session: undefined,
      principal: undefined,
      peer: undefined,
      signal: NEVER_ABORTED,
      requestId: undefined,
      [PLAN]: holder,
    };
    let outcome: Promise<CallResult<P>>;
    try {
      outcome = this.#chain(call as never);
    } catch (error) {
      this.#fail(error, message.type);
      return holder.result ?? NOTHING_DELIVERED;
    }
    outcome.catch((error: unknown) => this.#fail(error, message.type));
    return holder.result ?? NOTHING_DELIVERED;
  }

  #fail(error: unknown, type: number): void {
    const report = this.#report;
    if (report === undefined) {
      console.error(`bp: an interceptor stopped a broadcast of message type ${type}:`, error);
      return;
    }
    try {
      report(error, { type });
    } catch {
      // A failing error reporter must not break the broadcaster.
    }
  }
}
