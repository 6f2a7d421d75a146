/**
 * `@bp/opentelemetry`: an interceptor for `@bp/session` (and so every bp server and client) that
 * traces requests and one-way messages with OpenTelemetry, on both sides, carrying the W3C
 * `traceparent` in per-call metadata.
 * @packageDocumentation
 */
export { formatTraceparent, parseTraceparent, TRACEPARENT, TRACESTATE } from './traceparent.js';
export { INSTRUMENTATION_NAME, type TracingOptions, tracingInterceptor } from './tracing-interceptor.js';
