import { describe, expectTypeOf, test } from 'vitest';
import {
  array,
  bool,
  bytes,
  type Codec,
  enumeration,
  FieldDefinition,
  f32,
  fromFormat,
  type Infer,
  i64,
  literal,
  MessageStructure,
  type MessageTypes,
  type MessageValue,
  optional,
  Protocol,
  ProtocolConfig,
  type ReplyType,
  type ReplyValue,
  string,
  struct,
  u8,
  u32,
  u64,
  union,
} from '../src/index.node.js';

enum MessageType {
  SENSOR_DATA = 1,
  STATUS = 2,
  BENCHMARK = 3,
}

describe('Infer', () => {
  test('struct fields, optional keys, bigint, enums', () => {
    const Sensor = struct({ sensor1: f32, sensor2: f32 });
    expectTypeOf<Infer<typeof Sensor>>().toEqualTypeOf<{ sensor1: number; sensor2: number }>();

    const Thing = struct({
      id: u64,
      delta: i64,
      name: string(),
      note: optional(string()),
      data: bytes(),
      flags: array(bool),
      kind: enumeration(MessageType),
      side: enumeration(['buy', 'sell']),
      version: literal(3),
      inner: struct({ x: u8, maybe: optional(u32) }),
    });
    type Thing = Infer<typeof Thing>;
    expectTypeOf<Thing>().toEqualTypeOf<{
      id: bigint;
      delta: bigint;
      name: string;
      note?: string | undefined;
      data: Uint8Array;
      flags: boolean[];
      // expect-type tells an enum from the union of its members inside objects: spell the union.
      kind: MessageType.SENSOR_DATA | MessageType.STATUS | MessageType.BENCHMARK;
      side: 'buy' | 'sell';
      version: 3;
      inner: { x: number; maybe?: number | undefined };
    }>();
    expectTypeOf<Thing['kind']>().toEqualTypeOf<
      MessageType.SENSOR_DATA | MessageType.STATUS | MessageType.BENCHMARK
    >();
    expectTypeOf(Thing.decode).returns.toEqualTypeOf<Thing>();
    expectTypeOf(Thing).toMatchTypeOf<Codec<Thing>>();
  });

  test('discriminated unions', () => {
    const Shape = union('kind', {
      circle: struct({ r: f32 }),
      rect: struct({ w: u8, h: u8 }),
      7: struct({}),
    });
    type Shape = Infer<typeof Shape>;
    expectTypeOf<Shape>().toEqualTypeOf<
      { kind: 'circle'; r: number } | { kind: 'rect'; w: number; h: number } | { kind: 7 }
    >();
    const s = Shape.decode(new Uint8Array(0));
    if (s.kind === 'rect') expectTypeOf(s.w).toEqualTypeOf<number>();
  });

  test('fromFormat maps codes to value types', () => {
    expectTypeOf<Infer<ReturnType<typeof fromFormat<'>f'>>>>().toEqualTypeOf<number>();
    expectTypeOf(fromFormat('<q').decode).returns.toEqualTypeOf<bigint>();
    expectTypeOf(fromFormat('>Q').decode).returns.toEqualTypeOf<bigint>();
    expectTypeOf(fromFormat('!?').decode).returns.toEqualTypeOf<boolean>();
    expectTypeOf(fromFormat('>8s').decode).returns.toEqualTypeOf<Uint8Array>();
    expectTypeOf(fromFormat('>I').decode).returns.toEqualTypeOf<number>();
  });

  test('MessageStructure / FieldDefinition', () => {
    const status = new MessageStructure([
      new FieldDefinition('status_code', Number, { formatString: '>I' }),
      new FieldDefinition('message', String),
      new FieldDefinition('tag', String, { fixedLength: 8 }),
      new FieldDefinition('big', Number, { formatString: '>Q' }),
      new FieldDefinition('ok', Boolean),
      new FieldDefinition('raw', Uint8Array, { fixedLength: 4 }),
      new FieldDefinition('count', u8),
      new FieldDefinition('extra', optional(u8)),
    ]);
    expectTypeOf<Infer<typeof status>>().toEqualTypeOf<{
      status_code: number;
      message: string;
      tag: string;
      big: bigint;
      ok: boolean;
      raw: Uint8Array;
      count: number;
      extra?: number | undefined;
    }>();
  });
});

describe('ProtocolConfig', () => {
  const sensor = new MessageStructure([
    new FieldDefinition('sensor1', Number, { formatString: '>f' }),
    new FieldDefinition('sensor2', Number, { formatString: '>f' }),
  ]);
  const status = struct({ statusCode: u32, message: string() });
  const config = new ProtocolConfig({
    messageTypeEnum: MessageType,
    messageStructures: {
      [MessageType.SENSOR_DATA]: sensor,
      [MessageType.STATUS]: status,
      [MessageType.BENCHMARK]: struct({ seq: u32 }),
    },
    responses: { [MessageType.BENCHMARK]: MessageType.STATUS },
  });
  type P = typeof config;

  test('decodeMessage returns a union discriminated by type', () => {
    const m = config.decodeMessage(new Uint8Array(0));
    if (config.isNotFound(m)) {
      expectTypeOf(m.value).toEqualTypeOf<Record<string, never>>();
    } else if (m.type === MessageType.STATUS) {
      expectTypeOf(m.value).toEqualTypeOf<{ statusCode: number; message: string }>();
    } else if (m.type === MessageType.SENSOR_DATA) {
      expectTypeOf(m.value).toEqualTypeOf<{ sensor1: number; sensor2: number }>();
    } else {
      expectTypeOf(m.type).toEqualTypeOf<MessageType.BENCHMARK>();
      expectTypeOf(m.value).toEqualTypeOf<{ seq: number }>();
    }
  });

  test('comparing type with an enum member narrows past NOT_FOUND', () => {
    const m = config.decodeMessage(new Uint8Array(0));
    if (m.type === MessageType.STATUS) {
      expectTypeOf(m.value).toEqualTypeOf<{ statusCode: number; message: string }>();
    }
    expectTypeOf(config.notFoundType).toExtend<number>();
  });

  test('encodeMessage checks the value against the type', () => {
    config.encodeMessage(MessageType.STATUS, { statusCode: 1, message: 'x' });
    // @ts-expect-error a sensor value is not a status value
    config.encodeMessage(MessageType.STATUS, { sensor1: 1, sensor2: 2 });
    // @ts-expect-error 9 is not a message type of this protocol
    config.encodeMessage(9, {});
  });

  test('type helpers', () => {
    expectTypeOf<MessageTypes<P>>().toEqualTypeOf<
      MessageType.SENSOR_DATA | MessageType.STATUS | MessageType.BENCHMARK
    >();
    expectTypeOf<MessageValue<P, MessageType.STATUS>>().toEqualTypeOf<{
      statusCode: number;
      message: string;
    }>();
    expectTypeOf<ReplyType<P, MessageType.BENCHMARK>>().toEqualTypeOf<MessageType.STATUS>();
    expectTypeOf<ReplyValue<P, MessageType.BENCHMARK>>().toEqualTypeOf<{
      statusCode: number;
      message: string;
    }>();
    expectTypeOf<ReplyType<P, MessageType.STATUS>>().toBeNever();
  });

  test('replyTypeOf gives the declared reply type, or undefined', () => {
    expectTypeOf(config.replyTypeOf(MessageType.BENCHMARK)).toEqualTypeOf<MessageType.STATUS | undefined>();
    expectTypeOf(config.replyTypeOf(MessageType.STATUS)).toEqualTypeOf<undefined>();
    const protocol = new Protocol({
      messageTypeEnum: MessageType,
      messageStructures: { [MessageType.BENCHMARK]: struct({ seq: u32 }), [MessageType.STATUS]: status },
      responses: { [MessageType.BENCHMARK]: MessageType.STATUS },
    });
    expectTypeOf(protocol.replyTypeOf(MessageType.BENCHMARK)).toEqualTypeOf<MessageType.STATUS | undefined>();
  });
});
