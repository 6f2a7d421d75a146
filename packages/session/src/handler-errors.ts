import type { SessionOptions } from './types.js';

/** The `onHandlerError` option of a session. */
export type HandlerErrorReport = SessionOptions<any>['onHandlerError'];

/**
 * Hands an error thrown by a handler (or a reply that does not encode) to `onHandlerError`; without
 * one, a one-way handler's error is logged.
 */
export function reportHandlerError(
  report: HandlerErrorReport,
  error: unknown,
  type: number,
  requestId: number | undefined,
  oneWay: boolean,
): void {
  if (report !== undefined) {
    try {
      report(error, requestId === undefined ? { type } : { type, requestId });
    } catch {
      // A failing error reporter must not take the session down.
    }
  } else if (oneWay) {
    // Rethrowing would make one peer's message able to crash a whole server process; a
    // request handler's error already reaches its peer, a one-way handler's only the log.
    console.error(`bp: the handler for message type ${type} threw:`, error);
  }
}
