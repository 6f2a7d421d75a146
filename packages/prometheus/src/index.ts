/**
 * `@bp/prometheus`: an interceptor for `@bp/session` (and so every bp server and client) that
 * records requests, errors and latency histograms per message type with prom-client.
 * @packageDocumentation
 */
export { DEFAULT_BUCKETS, type MetricsOptions, metricsInterceptor } from './metrics-interceptor.js';
