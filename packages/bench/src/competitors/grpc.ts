import type { BlobValue, MessageName, Messages, StreamReport, SubscribeSpec } from '../workload/messages.js';
import { startPushes } from '../workload/push-scheduler.js';
import { StreamChecker } from '../workload/stream-checker.js';
import type { BenchClient, BenchServer, ClientSettings, Competitor } from './types.js';

/**
 * gRPC with @grpc/grpc-js and protobuf messages (protobufjs, the library grpc's own loader uses):
 * unary calls for requests, one client-streaming call for a one-way stream (its response is the
 * server's report, which also marks the stream's end), a server-streaming call for pushes.
 */
export const grpcCompetitor: Competitor = {
  startServer: startGrpcServer,
  connect: connectGrpc,
};

const SCHEMA = {
  nested: {
    bench: {
      nested: {
        Sensor: {
          fields: {
            x: { type: 'float', id: 1 },
            y: { type: 'float', id: 2 },
            z: { type: 'float', id: 3 },
            w: { type: 'float', id: 4 },
          },
        },
        Fixed4: { fields: { value: { type: 'fixed32', id: 1 } } },
        Blob: { fields: { seq: { type: 'uint32', id: 1 }, data: { type: 'bytes', id: 2 } } },
        StreamItem: {
          oneofs: { item: { oneof: ['sensor', 'fixed4', 'blob'] } },
          fields: {
            sensor: { type: 'Sensor', id: 1 },
            fixed4: { type: 'Fixed4', id: 2 },
            blob: { type: 'Blob', id: 3 },
          },
        },
        Report: {
          fields: {
            received: { type: 'uint32', id: 1 },
            errors: { type: 'uint32', id: 2 },
            bytes: { type: 'double', id: 3 },
          },
        },
        SubscribeSpec: {
          fields: {
            intervalMs: { type: 'uint32', id: 1 },
            size: { type: 'uint32', id: 2 },
            count: { type: 'uint32', id: 3 },
          },
        },
      },
    },
  },
};

interface ProtoType {
  encode(value: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): any;
}

async function loadService() {
  const protobuf = (await import('protobufjs')).default;
  const grpc = await import('@grpc/grpc-js');
  const root = protobuf.Root.fromJSON(SCHEMA);
  const type = (name: string) => root.lookupType(`bench.${name}`) as unknown as ProtoType;
  const serialize = (t: ProtoType) => (value: unknown) => {
    const bytes = t.encode(value).finish();
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
  const method = (
    path: string,
    req: ProtoType,
    res: ProtoType,
    requestStream: boolean,
    responseStream: boolean,
  ) => ({
    path: `/bench.Bench/${path}`,
    requestStream,
    responseStream,
    requestSerialize: serialize(req),
    requestDeserialize: (bytes: Buffer) => req.decode(bytes),
    responseSerialize: serialize(res),
    responseDeserialize: (bytes: Buffer) => res.decode(bytes),
  });
  const sensor = type('Sensor');
  const fixed4 = type('Fixed4');
  const blob = type('Blob');
  const definition = {
    sensor: method('Sensor', sensor, sensor, false, false),
    fixed4: method('Fixed4', fixed4, fixed4, false, false),
    blob: method('Blob', blob, blob, false, false),
    stream: method('Stream', type('StreamItem'), type('Report'), true, false),
    subscribe: method('Subscribe', type('SubscribeSpec'), blob, false, true),
  };
  return { grpc, definition };
}

const plain = (name: MessageName, v: any): Messages[MessageName] =>
  name === 'sensor'
    ? { x: v.x, y: v.y, z: v.z, w: v.w }
    : name === 'fixed4'
      ? { value: v.value }
      : { seq: v.seq, data: v.data };

async function startGrpcServer(): Promise<BenchServer> {
  const { grpc, definition } = await loadService();
  const server = new grpc.Server();
  const echo = (call: any, callback: any) => callback(null, call.request);
  server.addService(definition as any, {
    sensor: echo,
    fixed4: echo,
    blob: echo,
    stream(call: any, callback: any) {
      const checker = new StreamChecker();
      call.on('data', (item: any) => {
        if (item.sensor != null) checker.accept('sensor', plain('sensor', item.sensor) as never);
        else if (item.fixed4 != null) checker.accept('fixed4', plain('fixed4', item.fixed4) as never);
        else if (item.blob != null) checker.accept('blob', plain('blob', item.blob) as never);
      });
      call.on('end', () => callback(null, checker.report()));
      call.on('error', () => {});
    },
    subscribe(call: any) {
      const spec = call.request as SubscribeSpec;
      const stop = startPushes({ intervalMs: spec.intervalMs, size: spec.size, count: spec.count }, (value) =>
        call.write(value),
      );
      call.on('cancelled', stop);
      call.on('close', stop);
      call.on('error', stop);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    port,
    close: async () => {
      server.forceShutdown();
    },
  };
}

async function connectGrpc(settings: ClientSettings): Promise<BenchClient> {
  const { grpc, definition } = await loadService();
  const Client = grpc.makeGenericClientConstructor(definition as any, 'Bench');
  // A private subchannel pool, so that every client is its own connection (grpc-js otherwise
  // shares one connection between clients of the same target, which would hide idle cost).
  const client: any = new Client(`127.0.0.1:${settings.port}`, grpc.credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  });
  await new Promise<void>((resolve, reject) =>
    client.waitForReady(Date.now() + 10_000, (error: Error | undefined) =>
      error ? reject(error) : resolve(),
    ),
  );
  let stream: any = null;
  let streamResult: Promise<StreamReport> | null = null;
  let drainWaiter: Promise<void> | null = null;
  const subscriptions: any[] = [];
  const openStream = () => {
    streamResult = new Promise<StreamReport>((resolve, reject) => {
      stream = client.stream((error: Error | null, report: any) =>
        error
          ? reject(error)
          : resolve({ received: report.received, errors: report.errors, bytes: report.bytes }),
      );
    });
    streamResult.catch(() => {});
  };
  return {
    request<M extends MessageName>(name: M, value: Messages[M]) {
      return new Promise<Messages[M]>((resolve, reject) =>
        client[name](value, (error: Error | null, reply: any) =>
          error ? reject(error) : resolve(plain(name, reply) as Messages[M]),
        ),
      );
    },
    send(name, value) {
      if (stream === null) openStream();
      return stream.write({ [name]: value });
    },
    drained() {
      if (stream === null || !stream.writableNeedDrain) return Promise.resolve();
      drainWaiter ??= new Promise<void>((resolve) =>
        stream.once('drain', () => {
          drainWaiter = null;
          resolve();
        }),
      );
      return drainWaiter;
    },
    async report() {
      if (stream === null) openStream();
      const result = streamResult!;
      stream.end();
      stream = null;
      return result;
    },
    subscribe(spec, onPush) {
      const call = client.subscribe(spec);
      subscriptions.push(call);
      call.on('data', (blob: any) => onPush({ seq: blob.seq, data: blob.data } as BlobValue));
      call.on('error', () => {});
    },
    async close() {
      for (const call of subscriptions) call.cancel();
      stream?.end();
      client.close();
    },
  };
}
