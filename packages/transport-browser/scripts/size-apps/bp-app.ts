// The "small app" whose bundle size is budgeted: a protocol of three message types, a connection,
// a request and a push subscription; what a dashboard page needs from bp.
import { f32, Protocol, string, struct, u32 } from '@bp/codec';
import { connect } from '@bp/transport-browser';

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
    [MessageType.SENSOR_DATA]: struct({ sensor1: f32, sensor2: f32, sensor3: f32, sensor4: f32 }),
  },
  responses: { [MessageType.GET]: MessageType.VALUE },
});

const client = await connect(`${location.origin.replace(/^http/, 'ws')}/bp`, { protocol, token: 'secret' });
const value = await client.request(MessageType.GET, { key: 'a' });
document.body.textContent = `a = ${value.value}`;
client.on(MessageType.SENSOR_DATA, (reading) => {
  document.title = reading.sensor1.toFixed(2);
});
