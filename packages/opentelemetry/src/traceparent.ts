import { isSpanContextValid, type SpanContext, TraceFlags } from '@opentelemetry/api';

/** The metadata key of the W3C Trace Context header (https://www.w3.org/TR/trace-context/). */
export const TRACEPARENT = 'traceparent';

/** The metadata key of the vendor-specific part of W3C Trace Context. */
export const TRACESTATE = 'tracestate';

const PATTERN = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** `00-<trace id>-<span id>-<flags>` for `context` (version 00 of the W3C format). */
export function formatTraceparent(context: SpanContext): string {
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${context.traceId}-${context.spanId}-${flags}`;
}

/**
 * The remote span context a `traceparent` value names; undefined for a value that is not one
 * (wrong shape, version ff, all-zero ids, extra fields after version 00), as the W3C spec says a
 * receiver must treat it: as if there were none.
 */
export function parseTraceparent(value: string | undefined, tracestate?: string): SpanContext | undefined {
  if (value === undefined) return undefined;
  const match = PATTERN.exec(value.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const context: SpanContext = {
    traceId: traceId!,
    spanId: spanId!,
    traceFlags: Number.parseInt(flags!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(tracestate === undefined ? {} : { traceState: createTraceState(tracestate) }),
  };
  return isSpanContextValid(context) ? context : undefined;
}

/** A minimal TraceState carrying the received header on unchanged (it is not interpreted here). */
function createTraceState(header: string): SpanContext['traceState'] {
  const state = {
    set: () => state,
    unset: () => state,
    get: () => undefined,
    serialize: () => header,
  };
  return state;
}
