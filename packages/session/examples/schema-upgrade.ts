import { ProtocolConfig, struct, u8, u16, withDefault } from '@bp/codec';
import { createClientSession, createMemoryTransportPair, createServerSession } from '@bp/session';

enum Type {
  READING = 1,
  LATEST = 2,
}

// Version 1, still running on devices in the field.
const v1 = new ProtocolConfig({
  messageTypeEnum: Type,
  messageStructures: {
    [Type.READING]: struct({ sensor: u16, celsius: u16 }),
    [Type.LATEST]: struct({ sensor: u16 }),
  },
  responses: { [Type.LATEST]: Type.READING },
});

// Version 2 adds `battery`, with the value a v1 device stands for.
const v2 = new ProtocolConfig({
  messageTypeEnum: Type,
  messageStructures: {
    [Type.READING]: struct({ sensor: u16, celsius: u16, battery: withDefault(u8, 100) }),
    [Type.LATEST]: struct({ sensor: u16 }),
  },
  responses: { [Type.LATEST]: Type.READING },
});

export async function main(): Promise<string[]> {
  const log: string[] = [];
  const latest = new Map<number, { sensor: number; celsius: number; battery: number }>();
  const [serverEnd, clientEnd] = createMemoryTransportPair();

  // The upgraded server (schemaPolicy 'compatible' is the default).
  const server = createServerSession({
    protocol: v2,
    transport: serverEnd,
    handlers: {
      [Type.READING]: (reading) => {
        latest.set(reading.sensor, reading);
        log.push(`server got ${JSON.stringify(reading)}`);
      },
      [Type.LATEST]: ({ sensor }) => latest.get(sensor) ?? { sensor, celsius: 0, battery: 0 },
    },
  });
  serverEnd.attach(server);

  // A device that was never updated.
  const device = createClientSession({ protocol: v1, transport: clientEnd });
  clientEnd.attach(device);
  await device.ready;
  log.push(`resolved types on the server: ${server.peer?.resolvedTypes.join(', ')}`);

  device.send(Type.READING, { sensor: 7, celsius: 21 });
  const reply = await device.request(Type.LATEST, { sensor: 7 });
  log.push(`device got ${JSON.stringify(reply)}`);

  await device.close();
  return log;
}
