import type { BroadcastCallOf, Call, Interceptor, MessageTypes, SessionProtocol } from '@bp/session';
import { METADATA_VERSION } from '@bp/session';
import {
  type Attributes,
  context as contextApi,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { formatTraceparent, parseTraceparent, TRACEPARENT, TRACESTATE } from './traceparent.js';

/** The instrumentation scope name of the spans (the default tracer's name). */
export const INSTRUMENTATION_NAME = '@bp/opentelemetry';

/** Options of {@link tracingInterceptor}. */
export interface TracingOptions {
  /** The tracer to start spans with. Default: `trace.getTracer('@bp/opentelemetry')` (the global provider). */
  tracer?: Tracer;
  /**
   * Send the `traceparent` with outgoing calls (default true). Only to peers that speak protocol
   * version 3 (metadata); older peers get the call without it rather than a `metadata-unsupported`.
   */
  propagate?: boolean;
  /** Extra attributes for every span (e.g. a service name of the peer). */
  attributes?: Attributes;
  /** The span name; default `bp <TypeName>` (or `bp <type number>`). */
  spanName?: (call: Call<any>) => string;
}

const KINDS = {
  outgoing: { request: SpanKind.CLIENT, message: SpanKind.PRODUCER, broadcast: SpanKind.PRODUCER },
  incoming: { request: SpanKind.SERVER, message: SpanKind.CONSUMER, broadcast: SpanKind.PRODUCER },
} as const;

/**
 * An interceptor that traces every call of a session (install it on both sides):
 *
 * - outgoing requests get a `CLIENT` span, outgoing one-way messages (pushes included) a `PRODUCER`
 *   span, and the span's context goes to the peer as W3C `traceparent` metadata;
 * - incoming requests get a `SERVER` span, incoming one-way messages a `CONSUMER` span, whose
 *   parent is the `traceparent` the peer sent (the span of its call), so one trace runs across
 *   client and server. The handler runs with that span active.
 *
 * - a server's broadcast to rooms (`kind` `'broadcast'`) gets **one** `PRODUCER` span per
 *   broadcast, not one per member, with `bp.broadcast.rooms` (the room names; absent for a
 *   broadcast to every connection) and, once delivered, `bp.broadcast.sent`, `.congested`,
 *   `.dropped`, `.too_large`, `.not_open` and `.absent` (the counts on this server). No
 *   `traceparent` goes out with it (a broadcast frame carries no metadata), so the members'
 *   CONSUMER spans, if any, start their own traces.
 *
 * Attributes: `rpc.system` `bp`, `rpc.method` (the type name), `bp.message.type` (the number),
 * `bp.direction`, and for requests the wire error on failure (`bp.error.code`, `bp.error.wire_code`).
 * A failed call ends its span with status `ERROR` and the exception recorded.
 */
export function tracingInterceptor<P extends SessionProtocol>(options: TracingOptions = {}): Interceptor<P> {
  const tracer = options.tracer ?? trace.getTracer(INSTRUMENTATION_NAME);
  const propagate = options.propagate ?? true;
  const extra = options.attributes;
  const nameOf = options.spanName ?? ((call: Call<any>) => `bp ${call.typeName ?? call.type}`);
  return (next) => async (call) => {
    const incoming = call.direction === 'incoming';
    let parent = contextApi.active();
    if (incoming) {
      const remote = parseTraceparent(call.metadata[TRACEPARENT], call.metadata[TRACESTATE]);
      if (remote !== undefined) parent = trace.setSpanContext(parent, remote);
    }
    const attributes: Attributes = {
      'rpc.system': 'bp',
      'rpc.method': call.typeName ?? String(call.type),
      'bp.message.type': call.type,
      'bp.direction': call.direction,
      ...extra,
    };
    if (call.requestId !== undefined) attributes['bp.request.id'] = call.requestId;
    const broadcast = call.kind === 'broadcast';
    // (A cast: with a generic protocol the kind does not narrow the union.)
    const rooms = broadcast ? (call as BroadcastCallOf<P, MessageTypes<P>>).rooms : undefined;
    if (rooms !== undefined) attributes['bp.broadcast.rooms'] = [...rooms];
    const span = tracer.startSpan(
      nameOf(call),
      { kind: KINDS[call.direction][call.kind], attributes },
      parent,
    );
    const active = trace.setSpan(parent, span);
    let passed = call;
    if (
      !incoming &&
      !broadcast &&
      propagate &&
      (call.peer === undefined || call.peer.version >= METADATA_VERSION)
    ) {
      const spanContext = span.spanContext();
      const metadata: Record<string, string> = {
        ...call.metadata,
        [TRACEPARENT]: formatTraceparent(spanContext),
      };
      const state = spanContext.traceState?.serialize();
      if (state !== undefined && state !== '') metadata[TRACESTATE] = state;
      passed = { ...call, metadata } as Call<P>;
    }
    try {
      const result = await contextApi.with(active, () => next(passed));
      const counts = result.broadcast;
      if (counts !== undefined) {
        span.setAttributes({
          'bp.broadcast.sent': counts.sent,
          'bp.broadcast.congested': counts.congested,
          'bp.broadcast.dropped': counts.dropped,
          'bp.broadcast.too_large': counts.tooLarge,
          'bp.broadcast.not_open': counts.notOpen,
          'bp.broadcast.absent': counts.absent,
        });
      }
      span.end();
      return result;
    } catch (error) {
      fail(span, error);
      throw error;
    }
  };
}

function fail(span: Span, error: unknown): void {
  const e = error as { code?: unknown; wireCode?: unknown; message?: unknown };
  if (typeof e?.code === 'string') span.setAttribute('bp.error.code', e.code);
  if (typeof e?.wireCode === 'number') span.setAttribute('bp.error.wire_code', e.wireCode);
  if (error instanceof Error) span.recordException(error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: typeof e?.message === 'string' ? e.message : String(error),
  });
  span.end();
}
