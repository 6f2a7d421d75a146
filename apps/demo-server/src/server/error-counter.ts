import type { Interceptor } from '@bp/session';
import type { DemoProtocol } from '../schema.js';
import { DemoError } from './demo-error.js';
import type { DemoMetrics } from './metrics.js';

/**
 * Counts the failures of the clients' calls into `bp_demo_errors_total` by code: a DemoError by
 * its reason, anything else as `handler-error` (calls, errors and durations per message type are
 * @bp/prometheus's `bp_demo_call*` metrics). A one-way message refused with a DemoError is counted
 * only: there is no one to answer, and it is no fault of the server to log.
 */
export function errorCounter(metrics: DemoMetrics): Interceptor<DemoProtocol> {
  return (next) => (call) => {
    if (call.direction !== 'incoming') return next(call);
    return next(call).catch((error: unknown) => {
      const demo = error instanceof DemoError;
      metrics.errors.inc({ code: demo ? error.reason : 'handler-error' });
      if (demo && call.kind === 'message') return { value: undefined, metadata: {} };
      throw error;
    });
  };
}
