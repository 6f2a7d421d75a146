// Spans of real calls over TCP on 127.0.0.1, exported by the OpenTelemetry SDK's in-memory
// exporter: one trace across client and server, parent links, kinds, errors, one-way messages.
import { ApplicationError } from '@bp/session';
import { transportProtocol as protocol, TransportType as T, TOKEN } from '@bp/test-kit/protocols';
import { connect, createServer } from '@bp/transport-node';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { formatTraceparent, parseTraceparent, tracingInterceptor } from '../src/index.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const clientTracer = provider.getTracer('client');
const serverTracer = provider.getTracer('server');
const cleanups: (() => unknown)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await provider.shutdown();
});
beforeEach(() => exporter.reset());

const received: string[] = [];

async function start() {
  const server = createServer({
    protocol,
    auth: { token: TOKEN },
    interceptors: [tracingInterceptor({ tracer: serverTracer })],
    handlers: {
      [T.GET]: ({ key }) => {
        if (key === 'missing') throw new ApplicationError(1404, 'no such key');
        return { key, value: key.length };
      },
      [T.STATUS]: ({ text }) => {
        received.push(text);
      },
    },
  });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => server.close({ deadline: 200 }));
  const client = await connect({
    host: '127.0.0.1',
    port,
    protocol,
    token: TOKEN,
    interceptors: [tracingInterceptor({ tracer: clientTracer })],
  });
  cleanups.push(() => client.close({ deadline: 200 }));
  return { server, client };
}

/** Polls until the exporter holds `count` spans (the server's ends after the client's reply left). */
async function spans(count: number) {
  for (let i = 0; i < 200 && exporter.getFinishedSpans().length < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return exporter.getFinishedSpans();
}

describe('tracingInterceptor', () => {
  test('a request is one trace: the server span is a child of the client span', async () => {
    const { client } = await start();
    await client.request(T.GET, { key: 'abc' });
    const all = await spans(2);
    const clientSpan = all.find((s) => s.kind === SpanKind.CLIENT)!;
    const serverSpan = all.find((s) => s.kind === SpanKind.SERVER)!;
    expect(clientSpan.name).toBe('bp GET');
    expect(serverSpan.name).toBe('bp GET');
    expect(serverSpan.spanContext().traceId).toBe(clientSpan.spanContext().traceId);
    expect(serverSpan.parentSpanContext?.spanId).toBe(clientSpan.spanContext().spanId);
    expect(serverSpan.parentSpanContext?.isRemote).toBe(true);
    expect(clientSpan.parentSpanContext).toBeUndefined();
    expect(clientSpan.attributes).toMatchObject({
      'rpc.system': 'bp',
      'rpc.method': 'GET',
      'bp.message.type': T.GET,
      'bp.direction': 'outgoing',
    });
    expect(serverSpan.attributes).toMatchObject({ 'bp.direction': 'incoming', 'bp.request.id': 1 });
    expect(serverSpan.status.code).toBe(SpanStatusCode.UNSET);
  });

  test('a failed request ends both spans with ERROR and the wire code', async () => {
    const { client } = await start();
    await expect(client.request(T.GET, { key: 'missing' })).rejects.toMatchObject({ wireCode: 1404 });
    const all = await spans(2);
    for (const kind of [SpanKind.CLIENT, SpanKind.SERVER]) {
      const span = all.find((s) => s.kind === kind)!;
      expect(span.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'no such key' });
      expect(span.attributes['bp.error.wire_code']).toBe(1404);
      expect(span.events.map((e) => e.name)).toContain('exception');
    }
  });

  test('a one-way message: PRODUCER on the sender, CONSUMER on the receiver, linked as parent and child', async () => {
    const { client } = await start();
    client.send(T.STATUS, { code: 1, text: 'hello' });
    const all = await spans(2);
    const producer = all.find((s) => s.kind === SpanKind.PRODUCER)!;
    const consumer = all.find((s) => s.kind === SpanKind.CONSUMER)!;
    expect(received).toContain('hello');
    expect(producer.name).toBe('bp STATUS');
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
  });

  test('a push from the server is traced the other way round', async () => {
    const { server, client } = await start();
    const pushed = new Promise((resolve) => client.on(T.STATUS, resolve));
    for (const connection of server.sessions()) connection.send(T.STATUS, { code: 2, text: 'push' });
    await pushed;
    const all = await spans(2);
    const producer = all.find((s) => s.kind === SpanKind.PRODUCER)!;
    const consumer = all.find((s) => s.kind === SpanKind.CONSUMER)!;
    expect(producer.instrumentationScope.name).toBe('server');
    expect(consumer.instrumentationScope.name).toBe('client');
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
  });
});

describe('traceparent', () => {
  test('formats and parses the W3C header; invalid values are as if absent', () => {
    const context = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
    };
    const header = formatTraceparent(context);
    expect(header).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(parseTraceparent(header)).toMatchObject({ ...context, isRemote: true });
    for (const bad of [
      '',
      'garbage',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
    ]) {
      expect(parseTraceparent(bad), bad).toBeUndefined();
    }
  });
});

describe('broadcasts', () => {
  test('a broadcast to rooms is one PRODUCER span on the server, with the rooms and the delivery counts', async () => {
    const { server, client } = await start();
    const other = await connect({
      host: '127.0.0.1',
      port: server.address().port,
      protocol,
      token: TOKEN,
      interceptors: [tracingInterceptor({ tracer: clientTracer })],
    });
    cleanups.push(() => other.close({ deadline: 200 }));
    for (const session of server.sessions()) server.rooms.join(session, 'room');
    let got = 0;
    const both = new Promise<void>((resolve) => {
      for (const member of [client, other]) member.on(T.STATUS, () => ++got === 2 && resolve());
    });
    server.rooms.broadcast(T.STATUS, { code: 3, text: 'to the room' }, { to: 'room' });
    await both;
    // One span on the server, and a CONSUMER span on each client.
    const all = await spans(3);
    const producers = all.filter((s) => s.kind === SpanKind.PRODUCER);
    expect(producers).toHaveLength(1);
    expect(producers[0]!.instrumentationScope.name).toBe('server');
    expect(producers[0]!.name).toBe('bp STATUS');
    expect(producers[0]!.attributes).toMatchObject({
      'bp.direction': 'outgoing',
      'bp.broadcast.rooms': ['room'],
      'bp.broadcast.sent': 2,
      'bp.broadcast.not_open': 0,
    });
    // No traceparent travels with a broadcast frame: the members' spans start their own traces.
    const consumers = all.filter((s) => s.kind === SpanKind.CONSUMER);
    expect(consumers).toHaveLength(2);
    for (const consumer of consumers) expect(consumer.parentSpanContext).toBeUndefined();
  });
});
