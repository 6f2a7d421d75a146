import { f32, Protocol, string, struct, u32 } from '@bp/codec';
import { describe, expectTypeOf, test } from 'vitest';
import { type ConnectionState, connect, type WebSocketClient } from '../src/index.js';

enum MessageType {
  GET = 1,
  VALUE = 2,
  SENSOR_DATA = 3,
}
const protocol = new Protocol({
  messageTypeEnum: MessageType,
  messageStructures: {
    [MessageType.GET]: struct({ key: string() }),
    [MessageType.VALUE]: struct({ key: string(), value: u32 }),
    [MessageType.SENSOR_DATA]: struct({ sensor1: f32, sensor2: f32 }),
  },
  responses: { [MessageType.GET]: MessageType.VALUE },
});

describe('client types follow the protocol', () => {
  test('connect, request, on, messages', async () => {
    const client = await connect('wss://example.invalid/bp', { protocol, token: 't' });
    expectTypeOf(client).toEqualTypeOf<WebSocketClient<typeof protocol>>();
    expectTypeOf(client.state).toEqualTypeOf<ConnectionState>();

    const reply = await client.request(MessageType.GET, { key: 'a' });
    expectTypeOf(reply).toEqualTypeOf<{ key: string; value: number }>();
    // @ts-expect-error: SENSOR_DATA has no reply type, so it is not a request
    client.request(MessageType.SENSOR_DATA, { sensor1: 1, sensor2: 2 });
    // @ts-expect-error: the value must match GET's schema
    client.request(MessageType.GET, { key: 1 });

    client.on(MessageType.SENSOR_DATA, (reading) => {
      expectTypeOf(reading).toEqualTypeOf<{ sensor1: number; sensor2: number }>();
    });
    for await (const reading of client.messages(MessageType.SENSOR_DATA)) {
      expectTypeOf(reading.sensor1).toBeNumber();
    }
    expectTypeOf(client.send(MessageType.SENSOR_DATA, { sensor1: 1, sensor2: 2 })).toBeBoolean();
    // @ts-expect-error: a missing field
    client.send(MessageType.SENSOR_DATA, { sensor1: 1 });
  });
});
