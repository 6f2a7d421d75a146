import { FieldDefinition, MessageStructure, ProtocolConfig } from '@bp/codec';
import { BinaryClient, BinaryServer } from '@bp/transport-node';

// The Python side's enum and structures, spelled as in its binary_protocol package.
export enum MessageType {
  SENSOR_DATA = 1,
  STATUS = 2,
  STATUS_OK = 15,
}

const float = (name: string) => new FieldDefinition(name, Number, { formatString: '>f' });

export const config = new ProtocolConfig({
  messageTypeEnum: MessageType,
  messageStructures: {
    [MessageType.SENSOR_DATA]: new MessageStructure([
      float('sensor1'),
      float('sensor2'),
      float('sensor3'),
      float('sensor4'),
    ]),
    [MessageType.STATUS]: new MessageStructure([
      new FieldDefinition('status_code', Number, { formatString: '>I' }),
      new FieldDefinition('message', String),
    ]),
    [MessageType.STATUS_OK]: new MessageStructure([]), // header only
  },
});

/** A bp server that unchanged Python clients of the package talk to. */
export async function startServer(port = 0): Promise<BinaryServer> {
  const server = new BinaryServer(config, { limits: { maxConnections: 1000 } });
  server.registerHandler(MessageType.SENSOR_DATA, async () => [MessageType.STATUS_OK, {}]);
  server.registerHandler(MessageType.STATUS, async (_type, { status_code, message }) => [
    MessageType.STATUS,
    { status_code: status_code + 1, message: message.toUpperCase() },
  ]);
  // Types without a handler, and types bp does not know, are answered NOT_FOUND (0xFFFF).
  await server.start('127.0.0.1', port);
  return server;
}

/** A bp client calling an unchanged Python server of the package. */
export async function callServer(port: number): Promise<string[]> {
  const log: string[] = [];
  const client = new BinaryClient(config); // connectTimeout/readTimeout: config's, 30 s
  await client.connect('127.0.0.1', port);
  try {
    await client.sendMessage(MessageType.STATUS, { status_code: 200, message: 'ok' });
    const [type, data] = await client.receiveMessage(); // replies come in request order
    log.push(`${MessageType[type]} ${JSON.stringify(data)}`);
    await client.sendMessage(MessageType.SENSOR_DATA, { sensor1: 1.5, sensor2: 2, sensor3: 3, sensor4: 4 });
    log.push(MessageType[(await client.receiveMessage())[0]] ?? 'NOT_FOUND');
  } finally {
    await client.disconnect();
  }
  return log;
}
