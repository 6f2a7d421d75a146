/**
 * Dissectors generated for random protocols (the codec's schema arbitrary) load in tshark without
 * Lua errors and show random values exactly as sent, and `bp decode` agrees. Each run is one
 * tshark process over a capture of many messages, so the run count bounds the time.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolConfig } from '@bp/codec';
import { encodeMessageFrame, encodeRequestFrame } from '@bp/session';
import fc from 'fast-check';
import { expect as assert, test } from 'vitest';
import { build, type Schema, structSchemaArb, valueArb } from '../../codec/test/schema-arbitrary.js';
import { FrameStream } from '../src/frame-stream.js';
import { planOf } from '../src/load-protocol.js';
import { generateDissector } from '../src/lua-dissector.js';
import { pythonWirePlanOf } from '../src/python-wire-plan.js';
import { expect } from './helpers/expected-frames.js';
import { viewOf } from './helpers/frame-views.js';
import { type Segment, tcpPcap } from './helpers/pcap-writer.js';
import { tsharkFrames } from './helpers/tshark.js';

const PORT = 7002;
const dir = mkdtempSync(join(tmpdir(), 'bp-cli-random-'));

const protocolArb = fc
  .record({
    headerFormat: fc.constantFrom('>H', '<H', '>B', '>b', '<i', '>I'),
    schemas: fc.array(structSchemaArb, { minLength: 1, maxLength: 4 }),
  })
  .chain(({ headerFormat, schemas }) =>
    fc
      .tuple(...schemas.map((s) => fc.array(valueArb(s), { minLength: 1, maxLength: 3 })))
      .map((values) => ({ headerFormat, schemas, values: values as unknown[][] })),
  );

test('random schemas: tshark shows every field of every value, bp decode the same', () => {
  let run = 0;
  fc.assert(
    fc.property(
      protocolArb,
      fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
      (p, cuts) => {
        run++;
        const names: Record<string, number> = {};
        const structures: Record<number, ReturnType<typeof build>> = {};
        p.schemas.forEach((s: Schema, i) => {
          names[`T${i + 1}`] = i + 1;
          structures[i + 1] = build(s, 'closures');
        });
        const protocol = new ProtocolConfig({
          messageTypeEnum: names,
          messageStructures: structures,
          headerFormat: p.headerFormat,
        });
        const plan = planOf(protocol);
        const lua = join(dir, `bp-${run}.lua`);
        // With the binary_protocol wire's part too: it must load for any schema (tshark reports a
        // Lua error on stderr, which tsharkFrames turns into a failure).
        writeFileSync(
          lua,
          generateDissector(plan, {
            ports: [PORT],
            binaryProtocol: { wire: pythonWirePlanOf(protocol), ports: [PORT + 1] },
          }),
        );

        const frames: Uint8Array[] = [];
        const expected = [];
        let id = 1;
        for (const [i, values] of p.values.entries()) {
          for (const value of values) {
            const type = i + 1;
            const message = encodeMessageFrame(protocol, type, value);
            frames.push(message);
            expected.push(expect.message(plan, 4, type, value, message.length - 4));
            const request = encodeRequestFrame(protocol, id, type, value);
            frames.push(request);
            expected.push(expect.message(plan, 5, type, value, request.length - 4, id++));
          }
        }
        const all = Uint8Array.from(frames.flatMap((f) => [...f]));
        const segments: Segment[] = [];
        for (let at = 0, c = 0; at < all.length; c++) {
          const n = cuts[c % cuts.length];
          segments.push({ direction: 0, payload: all.subarray(at, at + n) });
          at += n;
        }
        const capture = join(dir, `random-${run}.pcap`);
        writeFileSync(capture, tcpPcap(segments, PORT));
        const shark = tsharkFrames(capture, lua).flatMap((packet) => packet.frames);
        const stream = new FrameStream({ plan });
        const decoded = segments.flatMap((s) => stream.push(s.payload)).map(viewOf);
        assert(shark).toEqual(expected);
        assert(decoded).toEqual(expected);
      },
    ),
    { numRuns: 8 },
  );
}, 120_000);
