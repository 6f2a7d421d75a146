import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BinaryClient, BinaryServer } from '../src/index.js';
import {
  configFor,
  hexValue,
  MessageType,
  registerPeerHandlers,
  runPeerClient,
  type ScriptMessage,
  startPeerServer,
  toJson,
  type WireVariant,
} from './fixtures/binary-protocol.js';

// bp in both roles against a Python peer of the binary_protocol wire (test/fixtures/
// binary_protocol_peer.py, stdlib only), over TCP and UDP, for every header format the package
// takes, with and without a checksum.

const big = new Uint8Array(100_000).map((_, i) => i * 7);
const notFoundOf = (headerFormat: string) =>
  2 ** (8 * (headerFormat.endsWith('B') ? 1 : headerFormat.endsWith('I') ? 4 : 2)) - 1;

/** Messages and the replies both servers give them. */
function exchange(
  headerFormat: string,
  udp: boolean,
  checksum: boolean,
): { messages: ScriptMessage[]; replies: unknown[] } {
  const rows: [ScriptMessage, unknown][] = [
    [
      { type: MessageType.SENSOR_DATA, data: { sensor1: 1.5, sensor2: 2, sensor3: -3, sensor4: 4 } },
      [15, {}],
    ],
    [
      { type: MessageType.STATUS, data: { status_code: 200, message: 'ok é' } },
      [2, { status_code: 201, message: 'OK É' }],
    ],
    [
      { type: MessageType.BENCHMARK, data: { data: new Uint8Array([0x61, 0x62, 0x63]) } },
      [3, { data: { $hex: '616263' } }],
    ],
    [{ type: MessageType.FIXED_BENCHMARK, data: { value: 41 } }, [4, { value: 42 }]],
    [
      { type: MessageType.TAGGED, data: { tag: 'a-long-tag', msg: 'hello' } },
      [5, { tag: 'a-long-tag', msg: 'hello' }],
    ],
    [{ type: MessageType.FIXED_TAG, data: { tag: 'ab', n: 3 } }, [6, { tag: 'ab', n: 3 }]],
    [{ type: MessageType.SILENT, data: { value: 1 }, reply: false }, undefined],
    [{ type: MessageType.STATUS_OK }, [15, {}]],
    [{ type: MessageType.FIXED_BENCHMARK, data: { value: 1 } }, [4, { value: 2 }]],
  ];
  if (!udp) {
    // The package's UDP server never answers unknown types; over TCP they get NOT_FOUND. (With a
    // checksum, a type one side lacks desynchronises the stream: it sends no checksum for it.)
    if (!checksum) rows.push([{ type: MessageType.UNKNOWN_TO_PEER }, [notFoundOf(headerFormat), {}]]);
    rows.push([{ type: MessageType.BENCHMARK, data: { data: big } }, [3, { data: hexValue(big) }]]);
  }
  return {
    messages: rows.map(([m]) => m),
    replies: rows.filter(([m]) => m.reply !== false).map(([, r]) => r),
  };
}

const variants: WireVariant[] = [];
for (const udp of [false, true]) {
  for (const headerFormat of ['>H', '>B', '<H', '>I']) {
    for (const checksum of [false, true]) variants.push({ headerFormat, checksum, udp });
  }
}
const name = (v: WireVariant) => `${v.udp ? 'UDP' : 'TCP'} ${v.headerFormat}${v.checksum ? ' + CRC32' : ''}`;

describe('a bp BinaryServer serves the Python peer client', () => {
  test.each(variants.map((v) => [name(v), v] as const))('%s', async (_, variant) => {
    const server = new BinaryServer(configFor(variant));
    registerPeerHandlers(server);
    await server.start('127.0.0.1', 0);
    try {
      const port = server.address()?.port as number;
      const { messages, replies } = exchange(variant.headerFormat, variant.udp, variant.checksum);
      // A type neither side knows: the peer sends the header alone, bp answers NOT_FOUND.
      if (!variant.udp) {
        messages.push({ type: 9 });
        replies.push([notFoundOf(variant.headerFormat), {}]);
      }
      const result = await runPeerClient(port, variant, { messages });
      expect(result.replies).toEqual(replies);
    } finally {
      await server.stop();
    }
  });

  describe('partial reads, coalesced messages, bad input (TCP)', () => {
    const variant: WireVariant = { headerFormat: '>H', checksum: true, udp: false };
    let server: BinaryServer;
    let port: number;
    beforeAll(async () => {
      server = new BinaryServer(configFor(variant, { maxPayloadSize: 200_000 }));
      registerPeerHandlers(server);
      await server.start('127.0.0.1', 0);
      port = server.address()?.port as number;
    });
    afterAll(() => server.stop());
    const small = () => {
      const { messages, replies } = exchange('>H', false, true);
      return { messages: messages.slice(0, -1), replies: replies.slice(0, -1) };
    };

    test('one byte per write', async () => {
      const { messages, replies } = small();
      expect((await runPeerClient(port, variant, { mode: 'drip', messages })).replies).toEqual(replies);
    });

    test('every message in one write, answered in order', async () => {
      const { messages, replies } = exchange('>H', false, true);
      expect((await runPeerClient(port, variant, { mode: 'coalesce', messages })).replies).toEqual(replies);
    });

    test.each([
      ['a length over maxPayloadSize', '0002 ffffffff'],
      ['malformed UTF-8', '0002 00000009 000000c8 00000001 ff 00000000'],
      ['a checksum mismatch', '0004 0000002a 00000000'],
    ])('%s closes the connection without a reply, after answering what came before', async (_, raw) => {
      const before = server.stats.closed['invalid-message'];
      const result = await runPeerClient(port, variant, {
        messages: [{ type: MessageType.FIXED_BENCHMARK, data: { value: 1 } }],
        raw: raw.replace(/\s/g, ''),
        expect_close: true,
      });
      expect(result.replies).toEqual([[4, { value: 2 }]]);
      expect(result).toMatchObject({ closed: true, after_raw: '' });
      expect(server.stats.closed['invalid-message']).toBe(before + 1);
    });
  });
});

describe('a bp BinaryClient calls the Python peer server', () => {
  test.each(variants.map((v) => [name(v), v] as const))('%s', async (_, variant) => {
    const peer = await startPeerServer(variant);
    const client = new BinaryClient(configFor(variant));
    try {
      await client.connect('127.0.0.1', peer.port);
      const { messages, replies } = exchange(variant.headerFormat, variant.udp, variant.checksum);
      const received: unknown[] = [];
      for (const m of messages) {
        await client.sendMessage(m.type, m.data ?? {});
        if (m.reply !== false) received.push(toJson(await client.receiveMessage()));
      }
      expect(received).toEqual(replies);
    } finally {
      await client.disconnect();
      await peer.stop();
    }
  });

  test('the single-use helpers open a connection per call', async () => {
    const variant: WireVariant = { headerFormat: '>H', checksum: false, udp: false };
    const peer = await startPeerServer(variant);
    try {
      const config = configFor(variant);
      expect(
        await BinaryClient.sendAndReceiveSingle(config, '127.0.0.1', peer.port, MessageType.FIXED_BENCHMARK, {
          value: 9,
        }),
      ).toEqual([4, { value: 10 }]);
      await BinaryClient.sendSingle(config, '127.0.0.1', peer.port, MessageType.SILENT, { value: 1 });
      const single = BinaryClient.createSingleUse(config, '127.0.0.1', peer.port);
      expect(await single.sendAndReceive(MessageType.STATUS, { status_code: 1, message: 'a' })).toEqual([
        2,
        { status_code: 2, message: 'A' },
      ]);
    } finally {
      await peer.stop();
    }
  });
});
