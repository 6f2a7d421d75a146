// Properties of version 2's schema-resolution bytes (docs/PROTOCOL.md 4.1-4.3, 4.11), which a
// peer sends during the handshake: HELLO extensions, SCHEMA frames, WELCOME's absent types and
// REJECT's schema issues. They round-trip, and any bytes give a value or `malformed-frame`
// (REJECT's issues, which a later version may extend, give a list and never an error).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isSessionError } from '../src/index.js';
import {
  appendAbsentTypes,
  appendSchemaIssues,
  appendToFrame,
  decodeAbsentTypes,
  decodeHello,
  decodeHelloExtensions,
  decodeSchemaFrame,
  decodeSchemaIssues,
  encodeHello,
  encodeHelloExtensions,
  encodeReject,
  encodeSchemaDescriptors,
  encodeSchemaRequest,
  encodeWelcome,
  MAX_ISSUE_PATH_BYTES,
  MAX_SCHEMA_ISSUES,
} from '../src/wire/index.js';

const RUNS = Number(process.env.SESSION_FC_RUNS ?? 300);
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });

/** The body of a complete frame, as the frame reader hands it to a decoder. */
const body = (frame: Uint8Array) => [frame, 4, frame.length] as const;

/** Runs `decode`; a `malformed-frame` SessionError is an answer too, anything else fails the test. */
function valueOrMalformed<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch (error) {
    expect(isSessionError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('malformed-frame');
    return undefined;
  }
}

/** Every view lies inside `frame`: a hostile count or length made nothing be allocated or copied. */
function inside(frame: Uint8Array, views: Iterable<Uint8Array>): void {
  for (const view of views) {
    expect(view.buffer).toBe(frame.buffer);
    expect(view.byteOffset + view.length).toBeLessThanOrEqual(frame.byteOffset + frame.length);
  }
}

const helloArb = fc.record({
  token: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  digests: fc.array(fc.record({ type: u32, digest: fc.uint8Array({ minLength: 8, maxLength: 8 }) }), {
    maxLength: 4,
  }),
});

function hello(h: {
  token: string | undefined;
  digests: { type: number; digest: Uint8Array }[];
}): Uint8Array {
  return encodeHello({
    minVersion: 1,
    maxVersion: 3,
    maxPayloadSize: 1 << 20,
    fingerprint: new Uint8Array(32),
    token: h.token,
    digests: h.digests,
  });
}

describe('HELLO extensions', () => {
  test('round-trip by tag, the last of a repeated tag winning, and leave the version-1 fields as they were', () => {
    const extensions = fc.array(
      fc.record({ tag: fc.integer({ min: 0, max: 4 }), value: fc.uint8Array({ maxLength: 20 }) }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(helloArb, extensions, (h, exts) => {
        const plain = hello(h);
        const frame = appendToFrame(plain, encodeHelloExtensions(exts));
        expect(decodeHello(...body(frame))).toEqual(decodeHello(...body(plain)));
        const decoded = decodeHelloExtensions(...body(frame));
        const expected = new Map(exts.map((e) => [e.tag, [...e.value]]));
        expect(new Map([...decoded].map(([tag, value]) => [tag, [...value]]))).toEqual(expected);
        inside(frame, decoded.values());
      }),
      { numRuns: RUNS },
    );
  });

  test('any bytes after the digests give extensions inside the frame or malformed-frame', () => {
    fc.assert(
      fc.property(helloArb, fc.uint8Array({ maxLength: 40 }), (h, extra) => {
        const frame = appendToFrame(hello(h), extra);
        const decoded = valueOrMalformed(() => decodeHelloExtensions(...body(frame)));
        if (decoded !== undefined) inside(frame, decoded.values());
      }),
      { numRuns: RUNS },
    );
  });
});

describe('SCHEMA frames', () => {
  test('a descriptor request and a descriptors answer round-trip', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(u32, { minLength: 1, maxLength: 8 }),
        fc.array(fc.record({ type: u32, text: fc.uint8Array({ maxLength: 30 }) }), { maxLength: 5 }),
        (types, entries) => {
          const ascending = [...types].sort((a, b) => a - b);
          expect(decodeSchemaFrame(...body(encodeSchemaRequest(ascending)))).toEqual({
            phase: 1,
            types: ascending,
          });
          const answer = encodeSchemaDescriptors(entries);
          const decoded = decodeSchemaFrame(...body(answer));
          expect(decoded.phase).toBe(2);
          if (decoded.phase !== 2) return;
          expect(decoded.entries.map((e) => [e.type, [...e.text]])).toEqual(
            entries.map((e) => [e.type, [...e.text]]),
          );
          inside(
            answer,
            decoded.entries.map((e) => e.text),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('any body, or a valid one with bytes changed or cut, gives a SCHEMA frame or malformed-frame', () => {
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 60 }),
      fc
        .tuple(
          fc.array(fc.record({ type: u32, text: fc.uint8Array({ maxLength: 12 }) }), { maxLength: 4 }),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
          fc.nat(),
        )
        .map(([entries, changes, cutAt]) => {
          const frame = encodeSchemaDescriptors(entries).slice(4);
          for (const [at, byte] of changes) frame[at % frame.length] = byte;
          return frame.subarray(0, frame.length - (cutAt % 3));
        }),
    );
    fc.assert(
      fc.property(bodies, (b) => {
        const decoded = valueOrMalformed(() => decodeSchemaFrame(b, 0, b.length));
        if (decoded?.phase === 2)
          inside(
            b,
            decoded.entries.map((e) => e.text),
          );
        // A request's types are four bytes each of the body, no more.
        if (decoded?.phase === 1) expect(5 + 4 * decoded.types.length).toBe(b.length);
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

describe("WELCOME's absent types", () => {
  const welcome = () =>
    encodeWelcome({ version: 2, maxPayloadSize: 1 << 20, heartbeatInterval: 5000, maxInFlight: 64 });

  test('round-trip, and a version-1 WELCOME has none', () => {
    fc.assert(
      fc.property(fc.array(u32, { maxLength: 10 }), (types) => {
        expect(decodeAbsentTypes(...body(appendAbsentTypes(welcome(), types)))).toEqual(types);
      }),
      { numRuns: RUNS },
    );
    expect(decodeAbsentTypes(...body(welcome()))).toEqual([]);
  });

  test('any bytes after the version-1 fields give a list no longer than they hold, or malformed-frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (extra) => {
        const frame = appendToFrame(welcome(), extra);
        const types = valueOrMalformed(() => decodeAbsentTypes(...body(frame)));
        if (types !== undefined) expect(types.length * 4).toBeLessThanOrEqual(extra.length);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("REJECT's schema issues", () => {
  const reject = (reason: string, details: { type: number; status: number }[]) =>
    encodeReject({ code: 6, minVersion: 1, maxVersion: 3, reason, details });
  const detailsArb = fc.array(fc.record({ type: u32, status: fc.integer({ min: 1, max: 3 }) }), {
    maxLength: 3,
  });

  test('round-trip, at most MAX_SCHEMA_ISSUES of them, after any reason and details', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        detailsArb,
        fc.array(
          fc.record({ type: u32, rule: fc.string({ maxLength: 20 }), path: fc.string({ maxLength: 40 }) }),
          {
            maxLength: MAX_SCHEMA_ISSUES + 3,
          },
        ),
        (reason, details, issues) => {
          const frame = appendSchemaIssues(reject(reason, details), issues);
          // Lone surrogates are sent as U+FFFD, as any UTF-8 text.
          const asSent = (s: string) => new TextDecoder().decode(new TextEncoder().encode(s));
          expect(decodeSchemaIssues(...body(frame))).toEqual(
            issues
              .slice(0, MAX_SCHEMA_ISSUES)
              .map((i) => ({ type: i.type, rule: asSent(i.rule), path: asSent(i.path) })),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a long path is cut at a character boundary to MAX_ISSUE_PATH_BYTES', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 100, maxLength: 300 }), (path) => {
        const [issue] = decodeSchemaIssues(
          ...body(appendSchemaIssues(reject('', []), [{ type: 1, rule: 'r', path }])),
        );
        expect(new TextEncoder().encode(issue.path).length).toBeLessThanOrEqual(MAX_ISSUE_PATH_BYTES);
        expect(path.startsWith(issue.path)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  test('any bytes after the details give a list, never an error, no longer than the bytes allow', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 10 }),
        detailsArb,
        fc.uint8Array({ maxLength: 60 }),
        u16,
        (reason, details, extra, count) => {
          // Half the time, a plausible count in front of the hostile entries.
          const tail = count % 2 === 0 ? extra : new Uint8Array([count >> 8, count & 0xff, ...extra]);
          const issues = decodeSchemaIssues(...body(appendToFrame(reject(reason, details), tail)));
          // Each issue takes at least 7 bytes (type, rule length, path length) after a 2-byte count.
          expect(2 + 7 * issues.length).toBeLessThanOrEqual(Math.max(2, tail.length));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
