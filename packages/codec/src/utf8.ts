/**
 * UTF-8 without allocation for short strings. A hand-written loop beats TextEncoder.encodeInto for
 * short strings (no call into C++, no result object), TextEncoder/TextDecoder win for long ones.
 */

/** Strings with more UTF-16 units than this are written by TextEncoder. */
export const SHORT_STRING = 64;
/**
 * Strings of more bytes than this are read by TextDecoder: below it the JavaScript loop wins (no
 * call into C++), above it TextDecoder's vectorised decoder does (measured crossover ~12-16 bytes).
 */
export const SHORT_DECODE = 12;

// The platform's encoder and decoder (every supported runtime has them); declared here so the
// package builds against the plain ES library, without DOM or Node types.
interface Utf8Encoder {
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
declare const TextEncoder: new () => Utf8Encoder;
declare const TextDecoder: new (
  label: string,
  options: { fatal: boolean; ignoreBOM: boolean },
) => Utf8Decoder;

const encoder = /* @__PURE__ */ new TextEncoder();
let decoder: Utf8Decoder | undefined;

/** UTF-8 byte length of `s`, computed without allocating. Lone surrogates count as 3 bytes (U+FFFD). */
export function utf8Length(s: string): number {
  const n = s.length;
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 2;
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

type NativeWrite = (this: Uint8Array, s: string, offset: number, length: number) => number;
const utf8Write: NativeWrite | undefined = (
  globalThis as { Buffer?: { prototype?: { utf8Write?: NativeWrite } } }
).Buffer?.prototype?.utf8Write;
/**
 * Node's native UTF-8 writer (on every Buffer, usable on any Uint8Array; no result object) as
 * `nativeWrite(t, s, offset, length)`, bound for the reason given at {@link nativeSlice}.
 */
const nativeWrite: ((t: Uint8Array, s: string, offset: number, length: number) => number) | undefined =
  utf8Write === undefined
    ? undefined
    : /* @__PURE__ */ (Function.prototype.call.bind(utf8Write) as (
        t: Uint8Array,
        s: string,
        offset: number,
        length: number,
      ) => number);

/** The view over `tailOf` from `tailAt` on, that long strings are encoded into. */
let tailOf: Uint8Array | undefined;
let tailAt = 0;
let tail: Uint8Array = new Uint8Array(0);

/** `writeUtf8` result: the string does not fit before `limit`. */
export const NO_ROOM = -2;

/** The long-string half of {@link writeUtf8}, kept apart so that the short half stays small enough to inline. */
function writeLong(t: Uint8Array, p: number, s: string, limit: number): number {
  const n = s.length;
  const room = limit - p;
  let w: number;
  if (limit === t.length && p <= limit) {
    // TextEncoder.encodeInto is the fastest writer for long strings, and with the view over the
    // rest of the target cached (strings often start at the same offset of the same target)
    // its result object does not outlive the call, so V8 does not allocate it.
    if (tailOf !== t || tailAt !== p) {
      tailOf = t;
      tailAt = p;
      tail = t.subarray(p);
    }
    const r = encoder.encodeInto(s, tail);
    if (r.read < n) return NO_ROOM;
    w = r.written;
  } else if (nativeWrite !== undefined) {
    if (room <= 0) return NO_ROOM;
    w = nativeWrite(t, s, p, room);
    // It writes whole characters only: with 4 bytes or more to spare, nothing was left out.
    if (w > room - 4 && utf8Length(s) !== w) return NO_ROOM;
  } else {
    const r = encoder.encodeInto(s, t.subarray(p, Math.max(p, limit)));
    if (r.read < n) return NO_ROOM;
    w = r.written;
  }
  return w;
}

/**
 * Writes `s` as UTF-8 at `t[p]`, never at or past `t[limit]`, and returns the bytes written or
 * {@link NO_ROOM}. A lone surrogate (ill-formed UTF-16) becomes U+FFFD, as with TextEncoder. Short strings go through a JavaScript loop (no call
 * into C++, nothing allocated); long ones through TextEncoder.encodeInto into a cached view of the
 * target's tail, or, when the string must stop before the end of the target (fixed-length
 * fields), Node's native writer where there is one.
 */
export function writeUtf8(t: Uint8Array, p: number, s: string, limit: number): number {
  const n = s.length;
  const room = limit - p;
  if (n > SHORT_STRING) return writeLong(t, p, s, limit);
  if (n * 3 > room && utf8Length(s) > room) return NO_ROOM;
  const start = p;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) t[p++] = c;
    else if (c < 0x800) {
      t[p++] = 0xc0 | (c >> 6);
      t[p++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      t[p++] = 0xe0 | (c >> 12);
      t[p++] = 0x80 | ((c >> 6) & 0x3f);
      t[p++] = 0x80 | (c & 0x3f);
    } else {
      const d = c <= 0xdbff && i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) {
        // A lone surrogate: U+FFFD, like TextEncoder.
        t[p++] = 0xef;
        t[p++] = 0xbf;
        t[p++] = 0xbd;
        continue;
      }
      i++;
      const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
      t[p++] = 0xf0 | (cp >> 18);
      t[p++] = 0x80 | ((cp >> 12) & 0x3f);
      t[p++] = 0x80 | ((cp >> 6) & 0x3f);
      t[p++] = 0x80 | (cp & 0x3f);
    }
  }
  return p - start;
}

type NativeSlice = (this: Uint8Array, start: number, end: number) => string;
const utf8Slice: NativeSlice | undefined = (
  globalThis as { Buffer?: { prototype?: { utf8Slice?: NativeSlice } } }
).Buffer?.prototype?.utf8Slice;
/**
 * Node's Buffer#utf8Slice (about twice TextDecoder's speed on short strings: no view to allocate)
 * as `nativeSlice(u8, start, end)`. Bound rather than called as `utf8Slice.call(u8, ...)`: the
 * optimizing compiler only calls a C++ function directly when it knows which one it is, and from
 * `.call` it learns only that Function.prototype.call ran, so each string went through the generic
 * call path; a bound function it unwraps from the call site's feedback down to utf8Slice itself
 * (measured: STATUS-24 decode 83% -> 95-98% of the hand-written codec, 90-99% -> 104-113% of avsc).
 */
const nativeSlice: ((u8: Uint8Array, start: number, end: number) => string) | undefined =
  utf8Slice === undefined
    ? undefined
    : /* @__PURE__ */ (Function.prototype.call.bind(utf8Slice) as (
        u8: Uint8Array,
        start: number,
        end: number,
      ) => string);
let lenientDecoder: { decode(input: Uint8Array): string } | undefined;
/**
 * Lenient reads of more bytes than this go to {@link nativeSlice} where there is one: called
 * directly it beats the JavaScript loop from about 8 bytes on (measured: strings of 9-12 bytes
 * decode 1.14-1.18x faster than through the loop, 4-8 bytes the same).
 */
const SHORT_NATIVE_DECODE = 8;

/**
 * Decodes UTF-8 from `u8[p..end)`, each malformed sequence as U+FFFD (the WHATWG decoder, which
 * TextDecoder and V8 both implement, so every engine and platform gives the same string).
 */
export function readUtf8Lenient(u8: Uint8Array, p: number, end: number): string {
  const n = end - p;
  if (nativeSlice !== undefined ? n <= SHORT_NATIVE_DECODE : n <= SHORT_DECODE) {
    const s = readUtf8(u8, p, end);
    if (s !== undefined) return s;
  } else if (nativeSlice !== undefined) {
    return nativeSlice(u8, p, end);
  }
  lenientDecoder ??= new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  return lenientDecoder.decode(u8.subarray(p, end));
}

/** Decodes strict UTF-8 from `u8[p..end)`. Returns undefined for malformed input. */
export function readUtf8(u8: Uint8Array, p: number, end: number): string | undefined {
  if (end - p > SHORT_DECODE) {
    decoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    try {
      return decoder.decode(u8.subarray(p, end));
    } catch {
      return undefined;
    }
  }
  let out = '';
  while (p < end) {
    const b = u8[p++];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      continue;
    }
    if (b < 0xc2 || b > 0xf4) return undefined;
    if (b < 0xe0) {
      if (p >= end) return undefined;
      const c1 = u8[p++];
      if ((c1 & 0xc0) !== 0x80) return undefined;
      out += String.fromCharCode(((b & 0x1f) << 6) | (c1 & 0x3f));
    } else if (b < 0xf0) {
      if (p + 1 >= end) return undefined;
      const c1 = u8[p++];
      const c2 = u8[p++];
      if ((c1 & 0xc0) !== 0x80 || (c2 & 0xc0) !== 0x80) return undefined;
      const cp = ((b & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f);
      if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
      out += String.fromCharCode(cp);
    } else {
      if (p + 2 >= end) return undefined;
      const c1 = u8[p++];
      const c2 = u8[p++];
      const c3 = u8[p++];
      if ((c1 & 0xc0) !== 0x80 || (c2 & 0xc0) !== 0x80 || (c3 & 0xc0) !== 0x80) return undefined;
      const cp = ((b & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f);
      if (cp < 0x10000 || cp > 0x10ffff) return undefined;
      const u = cp - 0x10000;
      out += String.fromCharCode(0xd800 + (u >> 10), 0xdc00 + (u & 0x3ff));
    }
  }
  return out;
}
