import { readFileSync } from 'node:fs';
import { concat } from '@bp/test-kit/bytes';
import { describe, expect, test } from 'vitest';
import { createServerSession, errorCodeName, schemaFingerprint } from '../src/index.js';
import { sha256 } from '../src/sha256.js';
import {
  appendAbsentTypes,
  appendSchemaIssues,
  appendToFrame,
  canonicalJson,
  decodeAbsentTypes,
  decodeErrorFrame,
  decodeGoodbye,
  decodeHello,
  decodeHelloExtensions,
  decodeReject,
  decodeSchemaFrame,
  decodeSchemaIssues,
  decodeWelcome,
  encodeErrorFrame,
  encodeGoodbye,
  encodeHello,
  encodeHelloExtensions,
  encodeMessageFrame,
  encodeReject,
  encodeRequestFrame,
  encodeResponseFrame,
  encodeSchemaDescriptors,
  encodeSchemaRequest,
  encodeU32Frame,
  encodeWelcome,
  FrameKind,
} from '../src/wire/index.js';
import { exampleProtocol, readFramesForTest } from './fixtures.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../../docs/protocol-vectors.json', import.meta.url), 'utf8'),
);
const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('docs/protocol-vectors.json', () => {
  test('the example protocol is the one the vectors describe', () => {
    expect(exampleProtocol.describe()).toEqual({
      headerFormat: vectors.exampleProtocol.headerFormat,
      types: vectors.exampleProtocol.types,
    });
  });

  test('fingerprint: canonical JSON, SHA-256, per-type digests', () => {
    const fp = schemaFingerprint(exampleProtocol.describe());
    expect(fp.canonical).toBe(vectors.fingerprint.canonical);
    expect(toHex(fp.fingerprint)).toBe(vectors.fingerprint.sha256);
    expect(fp.digests.map((d) => ({ type: d.type, digest: toHex(d.digest) }))).toEqual(
      vectors.fingerprint.types.map((t: { type: number; digest: string }) => ({
        type: t.type,
        digest: t.digest,
      })),
    );
    for (const t of vectors.fingerprint.types) {
      const entry = exampleProtocol.describe().types.find((x) => x.type === t.type)!;
      expect(canonicalJson({ schema: entry.schema, type: entry.type })).toBe(t.canonical);
    }
  });

  test('sha256 checks', () => {
    for (const v of vectors.sha256) expect(toHex(sha256(new TextEncoder().encode(v.utf8)))).toBe(v.sha256);
  });

  test('payloads', () => {
    for (const p of vectors.payloads) {
      expect(toHex(exampleProtocol.codecFor(p.type).encode(p.value))).toBe(p.hex);
      expect(exampleProtocol.codecFor(p.type).decode(fromHex(p.hex))).toEqual(p.value);
    }
  });

  test.each(vectors.frames as any[])('frame $name decodes and encodes', (v) => {
    const bytes = fromHex(v.hex);
    const frames = readFramesForTest(bytes);
    expect(frames).toHaveLength(1);
    const [{ kind, body }] = frames;
    const f = v.frame;
    expect(kind).toBe(f.kind === 'CREDIT' ? 0xf : FrameKind[f.kind as keyof typeof FrameKind]);
    const b = [body, 0, body.length] as const;
    let encoded: Uint8Array;
    switch (f.kind) {
      case 'MESSAGE':
      case 'REQUEST':
      case 'RESPONSE': {
        const idSize = f.kind === 'MESSAGE' ? 0 : 4;
        if (idSize) expect(new DataView(body.buffer, body.byteOffset).getUint32(0)).toBe(f.requestId);
        expect(exampleProtocol.decodeMessage(body, idSize)).toEqual({ type: f.type, value: f.value });
        encoded =
          f.kind === 'MESSAGE'
            ? encodeMessageFrame(exampleProtocol, f.type, f.value)
            : (f.kind === 'REQUEST' ? encodeRequestFrame : encodeResponseFrame)(
                exampleProtocol,
                f.requestId,
                f.type,
                f.value,
              );
        break;
      }
      case 'ERROR':
        expect(decodeErrorFrame(...b)).toEqual({
          requestId: f.requestId,
          code: f.code,
          message: f.message,
        });
        expect(errorCodeName(f.code)).toBe(f.codeName);
        encoded = encodeErrorFrame(f);
        break;
      case 'GOODBYE':
        expect(decodeGoodbye(...b)).toEqual({ code: f.code, deadline: f.deadline, reason: f.reason });
        expect(errorCodeName(f.code)).toBe(f.codeName);
        encoded = encodeGoodbye(f);
        break;
      case 'PING':
      case 'PONG':
        expect(new DataView(body.buffer, body.byteOffset).getUint32(0)).toBe(f.nonce);
        encoded = encodeU32Frame(kind, f.nonce);
        break;
      case 'CREDIT':
        // Only the WebSocket binding uses kind 0xF; it is checked here at the frame level.
        expect(new DataView(body.buffer, body.byteOffset).getUint32(0)).toBe(f.bytes);
        encoded = encodeU32Frame(0xf, f.bytes);
        break;
      case 'CANCEL':
        expect(new DataView(body.buffer, body.byteOffset).getUint32(0)).toBe(f.requestId);
        encoded = encodeU32Frame(kind, f.requestId);
        break;
      case 'WELCOME': {
        const { kind: _k, absentTypes, ...fields } = f;
        expect(decodeWelcome(...b)).toEqual({ magic: 0x42505750, ...fields });
        expect(decodeAbsentTypes(...b)).toEqual(absentTypes ?? []);
        encoded = appendAbsentTypes(encodeWelcome(fields), absentTypes ?? []);
        break;
      }
      case 'REJECT': {
        const { kind: _k, codeName, issues, ...fields } = f;
        expect(decodeReject(...b)).toEqual({ magic: 0x42505750, ...fields });
        expect(errorCodeName(f.code)).toBe(codeName);
        expect(decodeSchemaIssues(...b)).toEqual(issues ?? []);
        encoded = encodeReject(fields);
        if (issues !== undefined) encoded = appendSchemaIssues(encoded, issues);
        break;
      }
      case 'SCHEMA': {
        const decoded = decodeSchemaFrame(...b);
        if (f.phase === 1) {
          expect(decoded).toEqual({ phase: 1, types: f.types });
          encoded = encodeSchemaRequest(f.types);
        } else {
          const entries = f.entries.map((e: { type: number; text: string }) => ({
            type: e.type,
            text: new TextEncoder().encode(e.text),
          }));
          expect(decoded).toEqual({ phase: 2, entries });
          // Each text is exactly what its digest hashes (section 4.11).
          for (const e of f.entries)
            expect(toHex(sha256(new TextEncoder().encode(e.text)).subarray(0, 8))).toBe(e.digest);
          encoded = encodeSchemaDescriptors(entries);
        }
        break;
      }
      case 'HELLO': {
        const hello = decodeHello(...b);
        const fields = {
          minVersion: f.minVersion,
          maxVersion: f.maxVersion,
          maxPayloadSize: f.maxPayloadSize,
          fingerprint: fromHex(f.fingerprint),
          token: f.token ?? undefined,
          digests: f.digests.map((d: { type: number; digest: string }) => ({
            type: d.type,
            digest: fromHex(d.digest),
          })),
        };
        expect(hello).toEqual({ magic: 0x42505750, ...fields });
        const extensions = (f.extensions ?? []).map((e: { tag: number; value: string }) => ({
          tag: e.tag,
          value: fromHex(e.value),
        }));
        const found = decodeHelloExtensions(...b);
        expect([...found].map(([tag, value]) => ({ tag, value: toHex(value) }))).toEqual(
          (f.extensions ?? []).map((e: { tag: number; value: string }) => ({ tag: e.tag, value: e.value })),
        );
        encoded = appendToFrame(encodeHello(fields), encodeHelloExtensions(extensions));
        break;
      }
      default:
        throw new Error(`vector kind ${f.kind} not covered`);
    }
    expect(toHex(encoded)).toBe(v.hex);
  });

  test.each(vectors.invalid as any[])(
    'invalid input $name: the session answers with the documented code and closes',
    async (v) => {
      const written: Uint8Array[] = [];
      let ended = false;
      const transport = {
        write: (chunk: Uint8Array) => written.push(chunk.slice()) > 0,
        end: () => {
          ended = true;
        },
        destroy: () => {
          ended = true;
        },
      };
      const session = createServerSession({
        protocol: exampleProtocol,
        transport,
        limits: { heartbeatInterval: 0 },
      });
      if (v.state === 'open') {
        const hello = vectors.frames.find((f: { name: string }) => f.name === 'hello-no-token-no-digests');
        session.receive(fromHex(hello.hex));
        await session.ready;
        written.length = 0;
      }
      const bytes = fromHex(v.hex);
      // Header-only errors must be reported from the 4 header bytes alone.
      session.receive(v.headerOnly ? bytes.subarray(0, 4) : bytes);
      await Promise.resolve();
      expect(session.state).toBe('closed');
      expect(ended).toBe(true);
      const replies = readFramesForTest(concat(written));
      expect(replies).toHaveLength(1);
      const [{ kind, body }] = replies;
      if (v.state === 'open') {
        expect(kind).toBe(FrameKind.ERROR);
        const error = decodeErrorFrame(body, 0, body.length);
        expect(error.requestId).toBe(0);
        expect(errorCodeName(error.code)).toBe(v.error);
      } else {
        expect(kind).toBe(FrameKind.REJECT);
        expect(errorCodeName(decodeReject(body, 0, body.length).code)).toBe(v.error);
      }
      if (v.state === 'server-handshake')
        await expect(session.ready).rejects.toMatchObject({ code: v.error });
    },
  );
});
