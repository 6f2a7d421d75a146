import { f32, Protocol, string, struct, u32 } from '@bp/codec';

export enum MessageType {
  GET = 1,
  VALUE = 2,
  SENSOR_DATA = 3,
  SUBSCRIBE = 4,
  SUBSCRIBED = 5,
}

export const protocol = new Protocol({
  messageTypeEnum: MessageType,
  messageStructures: {
    [MessageType.GET]: struct({ key: string() }),
    [MessageType.VALUE]: struct({ key: string(), value: u32 }),
    [MessageType.SENSOR_DATA]: struct({ sensor1: f32, sensor2: f32, sensor3: f32, sensor4: f32 }),
    [MessageType.SUBSCRIBE]: struct({ topic: string() }),
    [MessageType.SUBSCRIBED]: struct({ topic: string() }),
  },
  responses: { [MessageType.GET]: MessageType.VALUE, [MessageType.SUBSCRIBE]: MessageType.SUBSCRIBED },
});
