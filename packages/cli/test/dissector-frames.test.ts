/**
 * Every frame kind, split over many segments and packed many to a segment, plus garbage: tshark
 * with the generated dissector and `bp decode`'s core report exactly what was sent.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeErrorFrame,
  encodeGoodbye,
  encodeHello,
  encodeMessageFrame,
  encodeReject,
  encodeRequestFrame,
  encodeResponseFrame,
  encodeU32Frame,
  encodeWelcome,
  schemaFingerprint,
} from '@bp/session';
import {
  appendAbsentTypes,
  appendSchemaIssues,
  appendToFrame,
  encodeHelloExtensions,
  encodeMetadataFrame,
  encodeSchemaDescriptors,
  encodeSchemaRequest,
} from '@bp/session/wire';
import fc from 'fast-check';
import { expect as assert, describe, test } from 'vitest';
import { DESCRIPTOR_SHOWN_BYTES, isSecretMetadataKey } from '../src/frame-fields.js';
import { FrameStream } from '../src/frame-stream.js';
import { planOf } from '../src/load-protocol.js';
import { generateDissector } from '../src/lua-dissector.js';
import { protocol } from './fixtures/sensor-protocol.mjs';
import { expect } from './helpers/expected-frames.js';
import { viewOf } from './helpers/frame-views.js';
import { type Segment, tcpPcap } from './helpers/pcap-writer.js';
import { type FrameView, tsharkFrames } from './helpers/tshark.js';

const plan = planOf(protocol);
const dir = mkdtempSync(join(tmpdir(), 'bp-cli-frames-'));
const lua = join(dir, 'bp.lua');
const PORT = 7001;
writeFileSync(lua, generateDissector(plan, { ports: [PORT] }));

const fp = schemaFingerprint(protocol.describe());
const sensor = { sensor1: 21.5, sensor2: -0.125, station: 'north-7', seq: 2n ** 63n + 5n };
const reading = { values: [-1n, 0n, 2n ** 62n], unit: 'kelvin', note: 'calibrated' };
const config = { target: { kind: 'station', name: 'öst', level: 3 } };
const config2 = { target: { kind: 'all', ids: [7, 4294967295] } };

/** The frames sent, each with what both decoders must report for it. */
function exchange(): { bytes: Uint8Array; expected: FrameView }[] {
  const out: { bytes: Uint8Array; expected: FrameView }[] = [];
  const add = (bytes: Uint8Array, expected: FrameView) => out.push({ bytes, expected });
  const msg = (bytes: Uint8Array, kind: 4 | 5 | 6, type: number, value: unknown, id?: number) =>
    add(bytes, expect.message(plan, kind, type, value, bytes.length - 4, id));
  const hello = {
    minVersion: 1,
    maxVersion: 1,
    maxPayloadSize: 1048576,
    fingerprint: fp.fingerprint,
    token: 'secret-token',
    digests: fp.digests,
  };
  add(encodeHello(hello), expect.hello(hello));
  const welcome = { version: 1, maxPayloadSize: 65536, heartbeatInterval: 15000, maxInFlight: 1024 };
  add(encodeWelcome(welcome), expect.welcome(welcome));
  msg(encodeMessageFrame(protocol, 1, sensor), 4, 1, sensor);
  msg(
    encodeRequestFrame(protocol, 7, 2, { station: 'north', index: 513 }),
    5,
    2,
    { station: 'north', index: 513 },
    7,
  );
  msg(encodeResponseFrame(protocol, 7, 3, reading), 6, 3, reading, 7);
  msg(encodeMessageFrame(protocol, 3, { values: [], unit: 'celsius', note: undefined }), 4, 3, {
    values: [],
    unit: 'celsius',
    note: undefined,
  });
  msg(encodeMessageFrame(protocol, 4, config), 4, 4, config);
  msg(encodeMessageFrame(protocol, 4, config2), 4, 4, config2);
  const error = { requestId: 9, code: 18, message: 'handler failed' };
  add(encodeErrorFrame(error), expect.error(error));
  add(encodeU32Frame(8, 77), expect.nonce(8, 77));
  add(encodeU32Frame(9, 77), expect.nonce(9, 77));
  add(encodeU32Frame(11, 7), expect.cancel(7));
  const goodbye = { code: 21, deadline: 5000, reason: 'shutting down' };
  add(encodeGoodbye(goodbye), expect.goodbye(goodbye));
  const reject = {
    code: 14,
    minVersion: 1,
    maxVersion: 1,
    reason: 'schema mismatch: 2 (GET_READING) differs',
    details: [
      { type: 2, status: 1 },
      { type: 9, status: 3 },
    ],
  };
  add(encodeReject(reject), expect.reject(reject));
  versionTwoAndThree(add);
  return out;
}

const textOf = (s: string) => new TextEncoder().encode(s);

/** Version 2's schema resolution and version 3's metadata frames (PROTOCOL.md 4.1-4.3, 4.11, 20). */
function versionTwoAndThree(add: (bytes: Uint8Array, expected: FrameView) => void): void {
  const hello = {
    minVersion: 1,
    maxVersion: 3,
    maxPayloadSize: 1048576,
    fingerprint: fp.fingerprint,
    token: 'tok',
    digests: fp.digests,
  };
  const ext = encodeHelloExtensions([{ tag: 1 }, { tag: 0x7777, value: Uint8Array.of(1, 2, 3) }]);
  add(
    appendToFrame(encodeHello(hello), ext),
    expect.extended(expect.hello(hello), ext.length, [
      ['bp.hello.extension.tag', 1],
      ['bp.hello.extension.length', 0],
      ['bp.hello.extension.tag', 0x7777],
      ['bp.hello.extension.length', 3],
      ['bp.hello.extension.value', '01:02:03'],
    ]),
  );
  const welcome = { version: 2, maxPayloadSize: 65536, heartbeatInterval: 0, maxInFlight: 0 };
  add(
    appendAbsentTypes(encodeWelcome(welcome), [9, 12]),
    expect.extended(expect.welcome(welcome), 12, [
      ['bp.welcome.absent_count', 2],
      ['bp.welcome.absent_type', 9],
      ['bp.welcome.absent_type', 12],
    ]),
  );
  const reject = {
    code: 14,
    minVersion: 1,
    maxVersion: 3,
    reason: 'schema mismatch',
    details: [{ type: 2, status: 1 }],
  };
  const issues = [
    { type: 2, rule: 'type-changed', path: 'station' },
    { type: 2, rule: 'number-narrowed', path: 'items[].öst' },
  ];
  const rejectFrame = appendSchemaIssues(encodeReject(reject), issues);
  add(
    rejectFrame,
    expect.extended(expect.reject(reject), rejectFrame.length - encodeReject(reject).length, [
      ['bp.reject.issue_count', 2],
      ...issues.flatMap((i): [string, string | number][] => [
        ['bp.reject.issue.type', i.type],
        ['bp.reject.issue.rule', i.rule],
        ['bp.reject.issue.path', i.path],
      ]),
    ]),
  );
  add(encodeSchemaRequest([2, 4]), expect.schemaRequest([2, 4]));
  const descriptors = [
    {
      type: 2,
      text: '{"schema":{"fields":[{"name":"key","schema":{"type":"u32"}}],"type":"struct"},"type":2}',
    },
    { type: 4, text: `{"schema":{"doc":"${'x'.repeat(2 * DESCRIPTOR_SHOWN_BYTES)}"},"type":4}` },
  ];
  add(
    encodeSchemaDescriptors(descriptors.map((d) => ({ type: d.type, text: textOf(d.text) }))),
    expect.schemaDescriptors(descriptors, DESCRIPTOR_SHOWN_BYTES),
  );
  const metadata = { tenant: 'acme', authorization: 'Bearer s3cret', 'x-api-token': 'abc', trace: 'öst' };
  const limits = { maxMetadataEntries: 32, maxMetadataSize: 4096 };
  add(encodeMetadataFrame(7, metadata, limits), expect.metadata(7, metadata, isSecretMetadataKey));
  add(
    encodeMetadataFrame(0, { tenant: '' }, limits),
    expect.metadata(0, { tenant: '' }, isSecretMetadataKey),
  );
}

function bothViews(segments: Segment[], name: string) {
  const capture = join(dir, `${name}.pcap`);
  writeFileSync(capture, tcpPcap(segments, PORT));
  const shark = tsharkFrames(capture, lua).flatMap((p) => p.frames);
  const streams = [new FrameStream({ plan }), new FrameStream({ plan })];
  const decoded = segments.flatMap((s) => streams[s.direction].push(s.payload)).map(viewOf);
  return { shark, decoded };
}

describe('the dissector and bp decode on every frame kind', () => {
  const frames = exchange();

  test('one frame per segment', () => {
    const { shark, decoded } = bothViews(
      frames.map((f, i) => ({ direction: (i % 2) as 0 | 1, payload: f.bytes })),
      'one-per-segment',
    );
    const expected = frames.map((f) => f.expected);
    assert(shark).toEqual(expected);
    assert(decoded).toEqual(expected);
  });

  test('every frame split into 1..3-byte segments, and all frames in one segment', () => {
    const all = Uint8Array.from(frames.flatMap((f) => [...f.bytes]));
    const pieces: Segment[] = [];
    for (let at = 0, n = 1; at < all.length; at += n, n = (n % 3) + 1)
      pieces.push({ direction: 0, payload: all.subarray(at, at + n) });
    const split = bothViews(pieces, 'split');
    const expected = frames.map((f) => f.expected);
    assert(split.shark).toEqual(expected);
    assert(split.decoded).toEqual(expected);
    const packed = bothViews([{ direction: 0, payload: all }], 'packed');
    assert(packed.shark).toEqual(expected);
    assert(packed.decoded).toEqual(expected);
  });

  test('garbage, malformed frames and bad payloads are flagged, not crashed on', () => {
    const ok = encodeU32Frame(8, 1);
    const v3 = encodeHello({
      minVersion: 1,
      maxVersion: 3,
      maxPayloadSize: 1024,
      fingerprint: fp.fingerprint,
      token: '',
      digests: [],
    });
    // Its length grows by the 2 bytes appended below: half an extension header.
    const helloV3 = [...v3];
    helloV3[3] += 2;
    const cases: { bytes: number[]; experts: string[] }[] = [
      { bytes: [0xe0, 0, 0, 1, 0xff], experts: ['bp.expert.not_bp'] },
      // METADATA: too short, no entries, a value overrunning, bytes left over.
      { bytes: [0xc0, 0, 0, 1, 0xff], experts: ['bp.expert.malformed'] },
      { bytes: [0xc0, 0, 0, 9, 0, 0, 0, 1, 0, 1, 0x61, 0, 0], experts: ['bp.expert.malformed'] },
      { bytes: [0xc0, 0, 0, 9, 0, 0, 0, 1, 1, 1, 0x61, 0, 9], experts: ['bp.expert.malformed'] },
      { bytes: [0xc0, 0, 0, 10, 0, 0, 0, 1, 1, 1, 0x61, 0, 0, 7], experts: ['bp.expert.malformed'] },
      { bytes: [0xc0, 0, 0, 9, 0, 0, 0, 1, 1, 9, 0x61, 0, 0], experts: ['bp.expert.malformed'] },
      // SCHEMA: unknown phase, a request list not filling the body, a descriptor overrunning.
      { bytes: [0xd0, 0, 0, 5, 3, 0, 0, 0, 0], experts: ['bp.expert.malformed'] },
      { bytes: [0xd0, 0, 0, 7, 1, 0, 0, 0, 1, 0, 2], experts: ['bp.expert.malformed'] },
      { bytes: [0xd0, 0, 0, 5, 1, 0, 0, 0, 0], experts: ['bp.expert.malformed'] },
      { bytes: [0xd0, 0, 0, 13, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 9], experts: ['bp.expert.malformed'] },
      { bytes: [0xd0, 0, 0, 5, 2, 0xff, 0xff, 0xff, 0xff], experts: ['bp.expert.malformed'] },
      // Version-2 HELLO extension header cut short; WELCOME absent types overrunning; REJECT issues cut.
      { bytes: [...helloV3, 0, 1], experts: ['bp.expert.malformed'] },
      {
        bytes: [0x20, 0, 0, 22, 0x42, 0x50, 0x57, 0x50, 0, 2, ...new Array(12).fill(0), 0, 0, 0, 5],
        experts: ['bp.expert.malformed'],
      },
      {
        bytes: [0x30, 0, 0, 19, 0x42, 0x50, 0x57, 0x50, 0, 14, 0, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0],
        experts: ['bp.expert.malformed'],
      },
      { bytes: [0x4f, 0xff, 0xff, 0xff, 1, 2, 3], experts: ['bp.expert.not_bp'] },
      { bytes: [0x80, 0, 0, 2, 0, 1], experts: ['bp.expert.malformed'] },
      { bytes: [0x10, 0, 0, 3, 1, 2, 3], experts: ['bp.expert.malformed'] },
      // A HELLO of 46 bytes: below the minimum of 50 (the digest count would overrun).
      {
        bytes: [0x10, 0, 0, 46, ...new Array(46).fill(0)],
        experts: ['bp.expert.malformed'],
      },
      { bytes: [0x40, 0, 0, 3, 0, 0x63, 1], experts: ['bp.expert.unknown_type'] },
      { bytes: [0x40, 0, 0, 4, 0, 1, 1, 2], experts: ['bp.expert.decode_error'] },
      { bytes: [0x40, 0, 0, 5, 0, 3, 0, 0, 0], experts: ['bp.expert.decode_error'] },
      { bytes: [0x40, 0, 0, 11, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 2], experts: ['bp.expert.decode_error'] },
      { bytes: [0x40, 0, 0, 8, 0, 3, 0xff, 0xff, 0xff, 0xff, 0, 0], experts: ['bp.expert.decode_error'] },
      { bytes: [0xf0, 0, 0, 4, 0, 0, 1, 0], experts: ['bp.expert.malformed'] },
      { bytes: [0x20, 0, 0, 18, 1, 2, 3, 4, ...new Array(14).fill(0)], experts: ['bp.expert.bad_magic'] },
    ];
    const segments: Segment[] = cases.flatMap((c) => [
      { direction: 0 as const, payload: Uint8Array.from(c.bytes) },
      { direction: 0 as const, payload: ok },
    ]);
    const { shark, decoded } = bothViews(segments, 'garbage');
    assert(decoded).toEqual(shark);
    assert(shark.map((f) => f.experts)).toEqual(cases.flatMap((c) => [c.experts, []]));
  });
});

describe('random version 2 and 3 frames', () => {
  const keyArb = fc.stringMatching(/^[a-z0-9._-]{1,12}$/);
  const metadataArb = fc.dictionary(
    fc.oneof(keyArb, fc.constantFrom('authorization', 'api-token', 'token')),
    fc.string({ maxLength: 20 }),
    { minKeys: 1, maxKeys: 6 },
  );
  const typesArb = fc.uniqueArray(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 5 });
  const garbageArb = fc.tuple(fc.constantFrom(0xc, 0xd), fc.uint8Array({ maxLength: 40 }));

  test('valid METADATA and SCHEMA frames show exactly what was sent; garbage bodies are flagged, never a Lua error', () => {
    let run = 0;
    fc.assert(
      fc.property(
        fc.array(metadataArb, { minLength: 1, maxLength: 4 }),
        typesArb,
        fc.array(fc.string({ maxLength: 2 * DESCRIPTOR_SHOWN_BYTES, unit: 'grapheme-ascii' }), {
          maxLength: 3,
        }),
        fc.array(garbageArb, { minLength: 1, maxLength: 8 }),
        (metadatas, types, texts, garbage) => {
          run++;
          const limits = { maxMetadataEntries: 32, maxMetadataSize: 4096 };
          const frames: { bytes: Uint8Array; expected?: FrameView }[] = [];
          for (const [i, m] of metadatas.entries()) {
            frames.push({
              bytes: encodeMetadataFrame(i, m, limits),
              expected: expect.metadata(i, m, isSecretMetadataKey),
            });
          }
          frames.push({ bytes: encodeSchemaRequest(types), expected: expect.schemaRequest(types) });
          const entries = texts.map((text, i) => ({ type: i, text }));
          frames.push({
            bytes: encodeSchemaDescriptors(entries.map((e) => ({ type: e.type, text: textOf(e.text) }))),
            expected: expect.schemaDescriptors(entries, DESCRIPTOR_SHOWN_BYTES),
          });
          for (const [kind, body] of garbage) {
            const bytes = new Uint8Array(4 + body.length);
            new DataView(bytes.buffer).setUint32(0, (kind << 28) | body.length);
            bytes.set(body, 4);
            frames.push({ bytes });
          }
          const { shark, decoded } = bothViews(
            frames.map((f) => ({ direction: 0 as const, payload: f.bytes })),
            `random-v3-${run}`,
          );
          assert(decoded).toEqual(shark);
          frames.forEach((f, i) => {
            if (f.expected !== undefined) assert(shark[i]).toEqual(f.expected);
          });
        },
      ),
      { numRuns: 4 },
    );
  }, 120_000);
});
