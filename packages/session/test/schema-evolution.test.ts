import { ProtocolConfig, struct, u16, u32 } from '@bp/codec';
import { SensorType as S, sensorBroken, sensorV1, sensorV2 } from '@bp/test-kit/evolution';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  createClientSession,
  createServerSession,
  ResolvedCodecCache,
  type SessionError,
  schemaFingerprint,
} from '../src/index.js';
import {
  appendToFrame,
  decodeReject,
  decodeSchemaFrame,
  encodeHello,
  encodeHelloExtensions,
  encodeSchemaDescriptors,
  FrameKind,
  SCHEMA_RESOLUTION_TAG,
} from '../src/wire/index.js';
import { connect, RecordingTransport, settle } from './fixtures.js';

const text = (s: string) => new TextEncoder().encode(s);

/** A v2 HELLO as a client with `protocol` would send it, with the schema-resolution extension. */
function helloOf(protocol: ProtocolConfig<any, any>): Uint8Array {
  const fp = schemaFingerprint(protocol.describe());
  const hello = encodeHello({
    minVersion: 1,
    maxVersion: 2,
    maxPayloadSize: 1 << 20,
    fingerprint: fp.fingerprint,
    token: undefined,
    digests: fp.digests,
  });
  return appendToFrame(hello, encodeHelloExtensions([{ tag: SCHEMA_RESOLUTION_TAG }]));
}

function canonicalOf(protocol: ProtocolConfig<any, any>, type: number): string {
  const entry = protocol.describe().types.find((t) => t.type === type)!;
  return JSON.stringify({ schema: sortKeys(entry.schema), type });
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

describe('schema evolution over a session pair (protocol version 2)', () => {
  test('old client, new server: readings, a renamed query, pushes, each side sees its own shape', async () => {
    const cache = new ResolvedCodecCache();
    const seen: unknown[] = [];
    const { client, server } = connect({
      protocol: sensorV2,
      server: {
        schemaCache: cache,
        handlers: {
          [S.READING]: (reading) => {
            seen.push(reading);
          },
          [S.QUERY]: (q) => ({ id: q.sensor, count: 7, note: 'ignored by v1' }),
        },
      },
      client: { protocol: sensorV1 as any },
    });
    await Promise.all([client.ready, server.ready]);
    expect(server.peer).toMatchObject({ version: 2, resolvedTypes: [1, 2, 3], absentTypes: [5, 8] });
    expect(client.peer).toMatchObject({ version: 2, absentTypes: [6] });
    const v1 = client as any;
    v1.send(S.READING, { id: 3, temperature: 21 });
    await expect(v1.request(S.QUERY, { id: 9 })).resolves.toEqual({ id: 9, count: 7 });
    expect(seen).toEqual([{ id: 3, temperature: 21, battery: 100 }]);
    // A push from the new server arrives in the old client's shape.
    const pushed: unknown[] = [];
    v1.on(S.READING, (r: unknown) => pushed.push(r));
    server.send(S.READING, { id: 4, temperature: 19, battery: 55 });
    await settle();
    expect(pushed).toEqual([{ id: 4, temperature: 19 }]);
    // Types only one side has fail locally with the type named; nothing is sent.
    const written = server.framesWritten;
    expect(() => server.send(S.ALERT, { level: 1 })).toThrow(
      expect.objectContaining({ code: 'peer-lacks-type', messageType: S.ALERT }),
    );
    expect(() => v1.send(S.LEGACY, { text: 'x' })).toThrow(/6 \(LEGACY\) is not part of the peer's protocol/);
    await settle();
    expect(server.framesWritten).toBe(written);
    expect(cache.compiles).toBe(3);
    await client.close();
  });

  test('new client, old server: the old server resolves the new layout; a reply type it lacks fails locally', async () => {
    const queries: unknown[] = [];
    const { client, server } = connect({
      protocol: sensorV1,
      server: {
        schemaCache: new ResolvedCodecCache(),
        handlers: {
          [S.QUERY]: (q) => {
            queries.push(q);
            return { id: q.id, count: 1 };
          },
        },
      },
      client: { protocol: sensorV2 as any },
    });
    await Promise.all([client.ready, server.ready]);
    const v2 = client as any;
    await expect(v2.request(S.QUERY, { sensor: 5 })).resolves.toEqual({ id: 5, count: 1, note: 'none' });
    expect(queries).toEqual([{ id: 5 }]);
    const error: SessionError = await v2.request(S.STATUS_REQ, { verbose: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'peer-lacks-type', messageType: S.STATUS });
    expect(error.message).toContain('8 (STATUS)');
    const got: unknown[] = [];
    v2.on(S.READING, (r: unknown) => got.push(r));
    server.send(S.READING, { id: 1, temperature: 2 });
    await settle();
    expect(got).toEqual([{ id: 1, temperature: 2, battery: 100 }]);
    await client.close();
  });

  test('a thousand clients on one old version compile once per differing type', async () => {
    const cache = new ResolvedCodecCache({ maxEntries: 16 });
    for (let i = 0; i < 20; i++) {
      const { client, server } = connect({
        protocol: sensorV2,
        server: { schemaCache: cache },
        client: { protocol: sensorV1 as any },
      });
      await Promise.all([client.ready, server.ready]);
      await client.close();
    }
    expect(cache.compiles).toBe(3);
    expect(cache.size).toBe(3);
  });

  test('the LRU stays within maxEntries', () => {
    const cache = new ResolvedCodecCache({ maxEntries: 2 });
    const d = (n: number) => Uint8Array.of(n, 0, 0, 0, 0, 0, 0, 0);
    const r = { kind: 'incompatible', issues: [] } as const;
    cache.resolve(d(1), d(0), () => r);
    cache.resolve(d(2), d(0), () => r);
    cache.resolve(d(1), d(0), () => r); // 1 is now the most recent
    cache.resolve(d(3), d(0), () => r); // drops 2
    expect(cache.size).toBe(2);
    cache.resolve(d(1), d(0), () => r);
    expect(cache.compiles).toBe(3);
    cache.resolve(d(2), d(0), () => r);
    expect(cache.compiles).toBe(4);
    expect(() => new ResolvedCodecCache({ maxEntries: 0 })).toThrow(/maxEntries/);
  });

  test('an incompatible pair is refused with each type, field path and rule, on both sides', async () => {
    const { client, server } = connect({ protocol: sensorV1, client: { protocol: sensorBroken as any } });
    const error: SessionError = await client.ready.catch((e) => e);
    expect(error).toMatchObject({
      code: 'schema-mismatch',
      remote: true,
      schemaIssues: [{ type: S.READING, name: 'READING', path: 'id', rule: 'type-changed' }],
      mismatches: [{ type: S.READING, name: 'READING', status: 'differs' }],
    });
    expect(error.message).toBe('schema mismatch: 1 (READING) id: type-changed');
    await expect(server.ready).rejects.toMatchObject({
      code: 'schema-mismatch',
      schemaIssues: [{ type: 1, path: 'id', rule: 'type-changed' }],
    });
  });

  test('widening is compatible for an old client and breaking for an old server', async () => {
    const wide = new ProtocolConfig({
      messageTypeEnum: S,
      messageStructures: { ...sensorV1.messageStructures, [S.QUERY]: struct({ id: u32 }) },
      responses: { [S.QUERY]: S.REPORT },
    });
    const ok = connect({
      protocol: wide,
      server: { handlers: { [S.QUERY]: (q) => ({ id: q.id, count: q.id }) } },
      client: { protocol: sensorV1 as any },
    });
    await ok.client.ready;
    await expect((ok.client as any).request(S.QUERY, { id: 65535 })).resolves.toEqual({
      id: 65535,
      count: 65535,
    });
    // The new server writes QUERY in the old client's u16: a value that does not fit fails locally.
    expect(() => ok.server.send(S.QUERY, { id: 70000 })).toThrow();
    await ok.client.close();
    const bad = connect({ protocol: sensorV1, client: { protocol: wide as any } });
    await expect(bad.client.ready).rejects.toMatchObject({
      schemaIssues: [{ type: S.QUERY, path: 'id', rule: 'number-narrowed' }],
    });
  });

  test("policy 'exact' on either side refuses any difference as version 1 does", async () => {
    for (const sides of [
      { server: { schemaPolicy: 'exact' as const } },
      { client: { schemaPolicy: 'exact' as const } },
    ]) {
      const { client } = connect({
        protocol: sensorV2,
        server: sides.server,
        client: { protocol: sensorV1 as any, ...sides.client },
      });
      const error: SessionError = await client.ready.catch((e) => e);
      expect(error.code).toBe('schema-mismatch');
      expect(error.schemaIssues).toBeUndefined();
      expect(error.mismatches?.map((m) => m.status)).toEqual([
        'differs',
        'differs',
        'differs',
        'server-only',
        'client-only',
        'server-only',
      ]);
    }
  });

  test('a version-1 peer (maxVersion 1) works when schemas are equal and is refused when they differ', async () => {
    for (const sides of [{ server: { maxVersion: 1 } }, { client: { maxVersion: 1 } }]) {
      const same = connect({
        protocol: sensorV1,
        server: { ...sides.server, handlers: { [S.QUERY]: (q) => ({ id: q.id, count: 2 }) } },
        client: sides.client,
      });
      await same.client.ready;
      expect(same.client.peer?.version).toBe(1);
      await expect(same.client.request(S.QUERY, { id: 1 })).resolves.toEqual({ id: 1, count: 2 });
      await same.client.close();
      const differ = connect({
        protocol: sensorV2,
        server: sides.server,
        client: { protocol: sensorV1 as any, ...sides.client },
      });
      await expect(differ.client.ready).rejects.toMatchObject({
        code: 'schema-mismatch',
        schemaIssues: undefined,
      });
    }
    // A version-1 HELLO (no extension, versions 1..1) gets exactly version 1.
    const transport = new RecordingTransport();
    const server = createServerSession({ protocol: sensorV2, transport });
    const fp = schemaFingerprint(sensorV1.describe());
    server.receive(
      encodeHello({
        minVersion: 1,
        maxVersion: 1,
        maxPayloadSize: 1 << 20,
        fingerprint: fp.fingerprint,
        token: undefined,
        digests: fp.digests,
      }),
    );
    await expect(server.ready).rejects.toMatchObject({ code: 'schema-mismatch' });
    const [reject] = transport.take();
    expect(reject.kind).toBe(FrameKind.REJECT);
  });

  test('only presence differs: accepted without the extra round trip', async () => {
    const plus = new ProtocolConfig({
      messageTypeEnum: S,
      messageStructures: { ...sensorV1.messageStructures, [S.ALERT]: struct({ level: u16 }) },
      responses: { [S.QUERY]: S.REPORT },
    });
    const transport = new RecordingTransport();
    const server = createServerSession({ protocol: plus, transport });
    server.receive(helloOf(sensorV1));
    await server.ready;
    const frames = transport.take();
    expect(frames.map((f) => f.kind)).toEqual([FrameKind.WELCOME]);
    expect(server.peer).toMatchObject({ resolvedTypes: [], absentTypes: [S.ALERT] });
  });
});

describe('hostile descriptors (the server side of the exchange)', () => {
  /** A server that asked a v1-HELLO-announcing client for READING, QUERY and REPORT. */
  async function asked() {
    const transport = new RecordingTransport();
    const server = createServerSession({
      protocol: sensorV2,
      transport,
      schemaCache: new ResolvedCodecCache(),
    });
    server.receive(helloOf(sensorV1));
    await settle(1);
    const [request] = transport.take();
    expect(request.kind).toBe(FrameKind.SCHEMA);
    expect(decodeSchemaFrame(request.body, 0, request.body.length)).toEqual({ phase: 1, types: [1, 2, 3] });
    return { server, transport };
  }

  async function refusal(frame: Uint8Array) {
    const { server, transport } = await asked();
    server.receive(frame);
    const error: SessionError = await server.ready.catch((e) => e);
    const frames = transport.take();
    expect(frames).toHaveLength(1);
    expect(frames[0].kind).toBe(FrameKind.REJECT);
    expect(transport.ended).toBe(true);
    return { error, reject: decodeReject(frames[0].body, 0, frames[0].body.length) };
  }

  const honest = [1, 2, 3].map((type) => ({ type, text: text(canonicalOf(sensorV1, type)) }));

  test('the honest answer is accepted', async () => {
    const { server, transport } = await asked();
    server.receive(encodeSchemaDescriptors(honest));
    await server.ready;
    expect(transport.take().map((f) => f.kind)).toEqual([FrameKind.WELCOME]);
  });

  test('a descriptor that does not hash to its HELLO digest is malformed-frame', async () => {
    const lying = honest.map((e) => (e.type === 1 ? { type: 1, text: text(canonicalOf(sensorV2, 1)) } : e));
    const { error } = await refusal(encodeSchemaDescriptors(lying));
    expect(error).toMatchObject({ code: 'malformed-frame' });
    expect(error.message).toContain('1 (READING) does not hash to the digest');
  });

  test('wrong types, order or count are malformed-frame', async () => {
    for (const entries of [honest.slice(0, 2), [honest[1], honest[0], honest[2]], [...honest, honest[2]]]) {
      const { error } = await refusal(encodeSchemaDescriptors(entries));
      expect(error.code).toBe('malformed-frame');
    }
  });

  test('a second HELLO or a request phase instead of the answer is refused', async () => {
    const { error } = await refusal(helloOf(sensorV1));
    expect(error.code).toBe('unexpected-frame');
    const phase1 = Uint8Array.of(0xd0, 0, 0, 9, 1, 0, 0, 0, 1, 0, 0, 0, 1);
    expect((await refusal(phase1)).error.code).toBe('unexpected-frame');
    expect((await refusal(Uint8Array.of(0xd0, 0, 0, 5, 9, 0, 0, 0, 0))).error.code).toBe('malformed-frame');
  });

  test('random SCHEMA bodies: always a REJECT with a protocol code, never a throw or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 5, maxLength: 300 }),
        fc.boolean(),
        async (body, phase2) => {
          if (phase2) body[0] = 2;
          const frame = new Uint8Array(4 + body.length);
          frame[0] = 0xd0 | (body.length >>> 24);
          frame[1] = body.length >>> 16;
          frame[2] = body.length >>> 8;
          frame[3] = body.length;
          frame.set(body, 4);
          const { error } = await refusal(frame);
          expect(['malformed-frame', 'unexpected-frame', 'payload-too-large']).toContain(error.code);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('a client whose own descriptor is hostile but hashes correctly: bounded, typed refusal', async () => {
    // Deep nesting past the descriptor limits, __proto__ names: the client controls both its
    // digest and its text, so the hash matches and the parser's bounds decide.
    let deep: unknown = { type: 'u8' };
    for (let i = 0; i < 200; i++) deep = { type: 'optional', item: deep };
    const cases = [
      { schema: deep, code: 'payload-too-large' },
      {
        schema: { type: 'struct', fields: [{ name: '__proto__', schema: { type: 'u8' } }] },
        code: 'schema-mismatch',
      },
      { schema: { type: 'nonsense' }, code: 'malformed-frame' },
    ];
    for (const c of cases) {
      const hostile = new TextEncoder().encode(JSON.stringify({ schema: sortKeys(c.schema), type: 1 }));
      const { sha256 } = await import('../src/sha256.js');
      const fp = schemaFingerprint(sensorV1.describe());
      const digests = fp.digests.map((d) =>
        d.type === 1 ? { type: 1, digest: sha256(hostile).slice(0, 8) } : d,
      );
      const transport = new RecordingTransport();
      const server = createServerSession({
        protocol: sensorV2,
        transport,
        schemaCache: new ResolvedCodecCache(),
      });
      const hello = encodeHello({
        minVersion: 1,
        maxVersion: 2,
        maxPayloadSize: 1 << 20,
        fingerprint: fp.fingerprint,
        token: undefined,
        digests,
      });
      server.receive(appendToFrame(hello, encodeHelloExtensions([{ tag: SCHEMA_RESOLUTION_TAG }])));
      await settle(1);
      transport.take();
      server.receive(encodeSchemaDescriptors([{ type: 1, text: hostile }, honest[1], honest[2]]));
      const error: SessionError = await server.ready.catch((e) => e);
      expect({ code: error.code }).toEqual({ code: c.code });
      expect(({} as Record<string, unknown>).u8).toBeUndefined();
    }
  });
});

describe('the client side of the exchange', () => {
  test('a descriptor request for a type it never announced closes locally; an unsolicited one is unexpected', async () => {
    const transport = new RecordingTransport();
    const client = createClientSession({ protocol: sensorV1, transport });
    client.receive(Uint8Array.of(0xd0, 0, 0, 9, 1, 0, 0, 0, 1, 0, 0, 0, 99));
    await expect(client.ready).rejects.toMatchObject({ code: 'malformed-frame' });
    const exact = createClientSession({
      protocol: sensorV1,
      transport: new RecordingTransport(),
      schemaPolicy: 'exact',
    });
    exact.receive(Uint8Array.of(0xd0, 0, 0, 9, 1, 0, 0, 0, 1, 0, 0, 0, 1));
    await expect(exact.ready).rejects.toMatchObject({ code: 'unexpected-frame' });
  });

  test('invalid options are usage errors', () => {
    const transport = new RecordingTransport();
    expect(() => createClientSession({ protocol: sensorV1, transport, maxVersion: 3 })).toThrow(/maxVersion/);
    expect(() =>
      createClientSession({ protocol: sensorV1, transport, schemaPolicy: 'loose' as never }),
    ).toThrow(/schemaPolicy/);
  });
});
