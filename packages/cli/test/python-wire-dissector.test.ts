/**
 * The Python binary_protocol wire (what BinaryServer/BinaryClient speak) in the generated
 * dissector, as its own protocol `bpy`, and in `bp decode --binary-protocol`: every structure
 * kind (fixed, variable, empty, fixed string), every header format, a checksum trailer, NOT_FOUND,
 * a message split over segments and many in one segment, an unknown type, a length above
 * maxPayloadSize. A live capture of bp's BinaryServer and BinaryClient on loopback, dissected by
 * the real tshark, must show what the test sent; `bp decode` gives the same views.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { BinaryClient, BinaryServer } from '@bp/transport-node';
import { afterEach, expect, test } from 'vitest';
import { decodeCapture } from '../src/capture-decoder.js';
import { readCapture } from '../src/capture-reader.js';
import { runCli as run } from '../src/cli.js';
import { planOf } from '../src/load-protocol.js';
import { generateDissector } from '../src/lua-dissector.js';
import { type PythonWirePlan, pythonWirePlanOf } from '../src/python-wire-plan.js';
import { pythonWireProtocol, MessageType as T } from './fixtures/python-wire-protocol.mjs';
import { expectedFields } from './helpers/expected-fields.js';
import { viewOf } from './helpers/frame-views.js';
import { startCapture } from './helpers/live-capture.js';
import { type Segment, tcpPcap } from './helpers/pcap-writer.js';
import { type FrameView, normalized, tsharkFrames } from './helpers/tshark.js';

const dir = mkdtempSync(join(tmpdir(), 'bp-cli-bpy-'));
const PORT = 8888;
const crc = (b: Uint8Array) => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, crc32(b));
  return out;
};
const colon = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Protocol = ReturnType<typeof pythonWireProtocol>;

const messages: [number, unknown][] = [
  [T.SENSOR_DATA, { sensor1: 1.5, sensor2: 2, sensor3: -3, sensor4: 4 }],
  [T.STATUS, { status_code: 200, message: 'ok é' }],
  [T.BENCHMARK, { data: new Uint8Array([0x61, 0x62, 0x63]) }],
  [T.FIXED_BENCHMARK, { value: 42 }],
  [T.FIXED_TAG, { tag: 'ab', n: 7 }],
  [T.STATUS_OK, {}],
];

/** What both decoders must show for one message, computed from the value (not the bytes). */
function expected(protocol: Protocol, wire: PythonWirePlan, type: number, value: unknown): FrameView {
  const fields: [string, string][] = [['bpy.msg.type', String(type)]];
  const t = wire.wireTypes.find((w) => w.type === type);
  if (t !== undefined) {
    if (t.lengthPrefixed)
      fields.push(['bpy.length', String(protocol.codecFor(type).byteLength(value as never))]);
    expectedFields(t.root, value, fields);
    if (wire.checksumSize > 0) {
      const bytes = protocol.encodeMessage(type as never, value as never);
      fields.push(['bpy.checksum', colon(bytes.subarray(bytes.length - wire.checksumSize))]);
    }
  }
  const grouped: Record<string, string[]> = {};
  for (const [name, show] of fields) (grouped[name] ??= []).push(show);
  return normalized({ fields: grouped, experts: [] });
}

function encode(protocol: Protocol, type: number, value: unknown): Uint8Array {
  return protocol.encodeMessage(type as never, value as never).slice();
}

function luaFor(protocol: Protocol, name: string): string {
  const lua = join(dir, `${name}.lua`);
  writeFileSync(
    lua,
    generateDissector(planOf(protocol), {
      binaryProtocol: { wire: pythonWirePlanOf(protocol), ports: [PORT] },
    }),
  );
  return lua;
}

/** The views of every bpy message tshark shows in a capture, in order. */
function tsharkViews(capture: string, lua: string): FrameView[] {
  return tsharkFrames(capture, lua, [], 'bpy').flatMap((p) => p.frames);
}

function decodeViews(capture: Uint8Array, wire: PythonWirePlan): FrameView[] {
  return decodeCapture(readCapture(capture), { binaryProtocol: wire }).records.map((r) => viewOf(r.frame));
}

const variants = [
  { headerFormat: '>H', checksum: false },
  { headerFormat: '>B', checksum: false },
  { headerFormat: '<H', checksum: true },
  { headerFormat: '>I', checksum: true },
];

test.each(variants)(
  'every structure, split and coalesced, NOT_FOUND and faults: $headerFormat checksum $checksum',
  (variant) => {
    const protocol = pythonWireProtocol({
      headerFormat: variant.headerFormat,
      ...(variant.checksum ? { checksumEnabled: true, checksumFunc: crc } : {}),
      maxPayloadSize: 4096,
    });
    const wire = pythonWirePlanOf(protocol);
    const lua = luaFor(protocol, `wire-${variant.headerFormat.replace(/[<>]/, 'x')}-${variant.checksum}`);
    const encoded = messages.map(([type, value]) => encode(protocol, type, value));
    const status = encoded[1];
    const notFound = protocol.encodeNotFound();
    const segments: Segment[] = [
      // Every message in one segment.
      { direction: 0, payload: Buffer.concat(encoded) },
      // The replies: NOT_FOUND, then STATUS cut into single bytes.
      { direction: 1, payload: notFound },
      ...[...status].map((b): Segment => ({ direction: 1, payload: new Uint8Array([b]) })),
    ];
    const want = [
      ...messages.map(([type, value]) => expected(protocol, wire, type, value)),
      expected(protocol, wire, protocol.notFoundType as number, {}),
      expected(protocol, wire, T.STATUS, messages[1][1]),
    ];
    const file = join(dir, `wire-${variant.headerFormat.replace(/[<>]/, 'x')}-${variant.checksum}.pcap`);
    const pcap = tcpPcap(segments, PORT);
    writeFileSync(file, pcap);
    expect(tsharkViews(file, lua)).toEqual(want);
    expect(decodeViews(pcap, wire)).toEqual(want);
    // Filters by type name and field value, as for bp's own frames.
    const filtered = tsharkFrames(
      file,
      lua,
      ['-Y', 'bpy.msg.type == "STATUS" && bpy.STATUS.status_code == 200'],
      'bpy',
    );
    expect(filtered.map((p) => p.number)).toEqual([1, segments.length]);
  },
);

test('an unknown type is the header alone and flagged; a length above maxPayloadSize is flagged, never a crash', () => {
  const protocol = pythonWireProtocol({ maxPayloadSize: 1024 });
  const wire = pythonWirePlanOf(protocol);
  const lua = luaFor(protocol, 'faults');
  const fixed = encode(protocol, T.FIXED_BENCHMARK, { value: 1 });
  const segments: Segment[] = [
    { direction: 0, payload: Buffer.concat([new Uint8Array([0x00, 0x09]), fixed]) },
    { direction: 0, payload: new Uint8Array([0x00, 0x02, 0x00, 0x00, 0x04, 0x01, 0xaa, 0xbb]) },
    // A STATUS whose inner string length overruns its payload.
    { direction: 1, payload: new Uint8Array([0, 2, 0, 0, 0, 9, 0, 0, 0, 0xc8, 0, 0, 0, 5, 0x61]) },
  ];
  const file = join(dir, 'faults.pcap');
  const pcap = tcpPcap(segments, PORT);
  writeFileSync(file, pcap);
  const unknown = normalized({ fields: { 'bpy.msg.type': ['9'] }, experts: ['bpy.expert.unknown_type'] });
  const tooLarge = normalized({ fields: {}, experts: ['bpy.expert.too_large'] });
  const shown = tsharkViews(file, lua);
  const decoded = decodeViews(pcap, wire);
  expect(shown.slice(0, 3)).toEqual([
    unknown,
    expected(protocol, wire, T.FIXED_BENCHMARK, { value: 1 }),
    tooLarge,
  ]);
  expect(decoded.slice(0, 3)).toEqual(shown.slice(0, 3));
  // The overrun: the fields before the fault, then the decode error.
  for (const views of [shown, decoded]) {
    expect(views[3].fields['bpy.STATUS.status_code']).toEqual(['200']);
    expect(views[3].experts).toEqual(['bpy.expert.decode_error']);
  }
});

test('a live capture of BinaryServer and BinaryClient on loopback: tshark and bp decode show what was sent', async () => {
  const protocol = pythonWireProtocol();
  const wire = pythonWirePlanOf(protocol);
  const server = new BinaryServer(protocol);
  server.registerHandler(T.STATUS, async (_type, data: { status_code: number; message: string }) => [
    T.STATUS,
    { status_code: data.status_code + 1, message: data.message.toUpperCase() },
  ]);
  server.registerHandler(T.SENSOR_DATA, async () => [T.STATUS_OK, {}]);
  server.registerHandler(T.FIXED_BENCHMARK, async (_type, { value }: { value: number }) => [
    T.FIXED_BENCHMARK,
    { value: value + 1 },
  ]);
  server.registerHandler(T.FIXED_TAG, async () => undefined);
  await server.start('127.0.0.1', 0);
  cleanups.push(() => server.stop());
  const port = server.address()?.port as number;
  const file = join(dir, 'live.pcapng');
  const capture = await startCapture(file, [port]);
  cleanups.push(() => capture.stop());
  const lua = join(dir, 'live.lua');
  writeFileSync(lua, generateDissector(planOf(protocol), { binaryProtocol: { wire, ports: [port] } }));

  const client = new BinaryClient(protocol);
  await client.connect('127.0.0.1', port);
  const sent: [number, unknown][] = [
    [T.STATUS, { status_code: 200, message: 'ok' }],
    [T.SENSOR_DATA, { sensor1: 21.5, sensor2: 2, sensor3: 3, sensor4: 4 }],
    [T.FIXED_TAG, { tag: 'quiet', n: 1 }], // no reply
    [T.FIXED_BENCHMARK, { value: 41 }],
    [T.BENCHMARK, { data: new Uint8Array([1, 2, 3]) }], // no handler: NOT_FOUND
  ];
  const replies: [number, unknown][] = [];
  for (const [type, value] of sent) {
    await client.sendMessage(type, value);
    if (type !== T.FIXED_TAG) replies.push(await client.receiveMessage());
  }
  await client.disconnect();
  await capture.stop();
  expect(replies).toEqual([
    [T.STATUS, { status_code: 201, message: 'OK' }],
    [T.STATUS_OK, {}],
    [T.FIXED_BENCHMARK, { value: 42 }],
    [0xffff, {}],
  ]);
  const view = ([type, value]: [number, unknown]) => expected(protocol, wire, type, value);
  const byDirection = (toServer: boolean) =>
    tsharkFrames(file, lua, [], 'bpy')
      .filter((p) => (p.dstPort === port) === toServer)
      .flatMap((p) => p.frames);
  expect(byDirection(true)).toEqual(sent.map(view));
  expect(byDirection(false)).toEqual(replies.map(view));
  const decoded = decodeCapture(readCapture(new Uint8Array(readFileSync(file))), {
    binaryProtocol: wire,
    ports: [port],
  }).records;
  const decodedBy = (toServer: boolean) =>
    decoded.filter((r) => r.stream?.endsWith(`:${port}`) === toServer).map((r) => viewOf(r.frame));
  expect(decodedBy(true)).toEqual(sent.map(view));
  expect(decodedBy(false)).toEqual(replies.map(view));
}, 60_000);

test('bp decode --binary-protocol on hex: text and JSON, and it needs --protocol', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    cwd: process.cwd(),
    stdout: (s: string) => out.push(s),
    stderr: (s: string) => err.push(s),
    stdin: async () => new Uint8Array(0),
  };
  const module = new URL('./fixtures/python-wire-protocol.mjs', import.meta.url).pathname;
  const code = await run(
    [
      'decode',
      '--protocol',
      module,
      '--binary-protocol',
      '--hex',
      '0002 0000000a 000000c8 00000002 6f6b ffff',
    ],
    io as never,
  );
  expect(code).toBe(0);
  expect(out.join('')).toBe(
    [
      'binary_protocol STATUS (16 bytes)',
      '  bpy.msg.type = 2 (STATUS)',
      '  bpy.length = 10',
      '  bpy.STATUS.status_code = 200',
      '  bpy.STATUS.message = ok',
      'binary_protocol NOT_FOUND (2 bytes)',
      '  bpy.msg.type = 65535 (NOT_FOUND)',
      '',
    ].join('\n'),
  );
  out.length = 0;
  expect(await run(['decode', '--binary-protocol', '--hex', 'ffff'], io as never)).toBe(2);
  expect(err.join('')).toMatch(/--binary-protocol needs --protocol/);
});
