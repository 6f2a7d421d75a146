import { connect, type WebSocketDialOptions as DialOptions } from '@bp/transport-browser';
import { MessageType, protocol } from './browser/protocol.js';

/** Looks up `keys` one by one; a connection lost in between is re-established, calls wait for it. */
export async function lookUp(dial: DialOptions, token: string, keys: string[]): Promise<string[]> {
  const log: string[] = [];
  const client = await connect({
    ...dial,
    protocol,
    token,
    reconnect: { initialDelay: 100, maxDelay: 5000 },
    whileDisconnected: 'queue',
  });
  client.onStateChange(({ previous, state, error }) => {
    log.push(`${previous} -> ${state}${error ? ` (${error.message})` : ''}`);
  });
  try {
    for (const key of keys) {
      const { value } = await client.request(MessageType.GET, { key });
      log.push(`${key} = ${value}`);
    }
  } finally {
    await client.close();
  }
  return log;
}
