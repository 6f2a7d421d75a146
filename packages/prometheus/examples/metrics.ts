import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { ProtocolConfig, string, struct, u32 } from '@bp/codec';
import { metricsInterceptor } from '@bp/prometheus';
import { ApplicationError } from '@bp/session';
import { connect, createServer } from '@bp/transport-node';
import { Registry } from 'prom-client';

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
  const registry = new Registry(); // or leave it out: prom-client's global register
  const server = createServer({
    protocol,
    interceptors: [metricsInterceptor({ registry })],
    handlers: {
      [Type.GET]: ({ key }) => {
        if (key === '') throw new ApplicationError(1400, 'empty key');
        return { key, value: key.length };
      },
    },
  });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });

  // What Prometheus scrapes.
  const http = createHttpServer(async (_request, response) => {
    response.writeHead(200, { 'content-type': registry.contentType });
    response.end(await registry.metrics());
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');

  const client = await connect({ host: '127.0.0.1', port, protocol });
  await client.request(Type.GET, { key: 'answer' });
  await client.request(Type.GET, { key: '' }).catch(() => {});
  await client.close();

  const { port: httpPort } = http.address() as { port: number };
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  http.close();
  await server.close();
  return text
    .split('\n')
    .filter((line) => /^bp_(calls_total|call_errors_total|call_duration_seconds_count)\{/.test(line));
}
