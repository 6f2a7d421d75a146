import { ProtocolConfig, string, struct, u32 } from '@bp/codec';
import { tracingInterceptor } from '@bp/opentelemetry';
import { connect, createServer } from '@bp/transport-node';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

enum Type {
  GET = 1,
  VALUE = 2,
}

const protocol = new ProtocolConfig({
  messageTypeEnum: Type,
  messageStructures: {
    [Type.GET]: struct({ key: string() }),
    [Type.VALUE]: struct({ key: string(), value: u32 }),
  },
  responses: { [Type.GET]: Type.VALUE },
});

export async function main(): Promise<string[]> {
  // Any SpanExporter works (OTLP in production); the in-memory one shows what was recorded.
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

  const server = createServer({
    protocol,
    interceptors: [tracingInterceptor({ tracer: provider.getTracer('server') })],
    handlers: { [Type.GET]: ({ key }) => ({ key, value: 42 }) },
  });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  const client = await connect({
    host: '127.0.0.1',
    port,
    protocol,
    interceptors: [tracingInterceptor({ tracer: provider.getTracer('client') })],
  });

  await client.request(Type.GET, { key: 'answer' }); // traceparent travels as metadata
  await client.close();
  await server.close();

  const spans = exporter.getFinishedSpans();
  const clientSpan = spans.find((span) => span.instrumentationScope.name === 'client')!;
  const serverSpan = spans.find((span) => span.instrumentationScope.name === 'server')!;
  await provider.shutdown();
  return [
    `${clientSpan.name} -> ${serverSpan.name}`,
    `same trace: ${serverSpan.spanContext().traceId === clientSpan.spanContext().traceId}`,
    `server span's parent is the client span: ${serverSpan.parentSpanContext?.spanId === clientSpan.spanContext().spanId}`,
  ];
}
