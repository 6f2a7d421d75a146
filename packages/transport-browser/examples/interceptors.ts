import type { Interceptor } from '@bp/session';
import { connect, type WebSocketDialOptions as DialOptions } from '@bp/transport-browser';
import { MessageType, protocol } from './browser/protocol.js';

/** Every call carries the page's trace id as metadata; the server's reply metadata is read back. */
export async function tracedLookUp(dial: DialOptions, token: string, traceId: string): Promise<string[]> {
  const log: string[] = [];
  const trace: Interceptor<typeof protocol> = (next) => async (call) => {
    const result = await next({ ...call, metadata: { ...call.metadata, 'x-trace-id': traceId } });
    log.push(`${call.typeName} took ${result.metadata['x-server-ms'] ?? '?'} ms on the server`);
    return result;
  };
  const client = await connect({ ...dial, protocol, token, interceptors: [trace] });
  try {
    const { value } = await client.request(MessageType.GET, { key: 'answer' });
    log.push(`answer = ${value}`);
  } finally {
    await client.close();
  }
  return log;
}
