import { readU32, writeFrameHeader, writeU32 } from './control-frames.js';
import { FRAME_HEADER_SIZE, FrameKind } from './frame-kind.js';
import { SessionError } from './session-error.js';
import { decodeText, encodeText } from './text.js';

/*
 * The bytes of protocol version 2's schema resolution (docs/PROTOCOL.md sections 4.1, 4.2, 4.3,
 * 4.11): the HELLO extensions, the SCHEMA frame, WELCOME's absent-types list and REJECT's schema
 * issues. Each is appended to a version-1 frame, which version-1 peers ignore.
 */

/** HELLO extension tag: the client accepts compatible schema differences (section 4.1). */
export const SCHEMA_RESOLUTION_TAG = 0x0001;

/** The smallest SCHEMA body: the phase and a count. */
export const SCHEMA_MIN_BODY = 5;

/** The two bodies of a SCHEMA frame (section 4.11). */
export const SchemaPhase = { request: 1, descriptors: 2 } as const;

/**
 * Most issues a REJECT lists, and the longest path it carries (UTF-8 bytes). Derived from the
 * handshake frame limit: 64 issues of at most 4 + 1 + 255 + 2 + 256 = 518 bytes (33,152 in all),
 * plus the reason (at most 1024 bytes) and its details, stay inside the 65,536 bytes every REJECT may take.
 */
export const MAX_SCHEMA_ISSUES = 64;
export const MAX_ISSUE_PATH_BYTES = 256;
const MAX_RULE_BYTES = 255;

/** One breaking difference as a REJECT carries it. */
export interface WireSchemaIssue {
  readonly type: number;
  readonly rule: string;
  readonly path: string;
}

/** One descriptor of a SCHEMA answer: the canonical `{"schema":..,"type":n}` text, UTF-8. */
export interface SchemaDescriptorEntry {
  readonly type: number;
  readonly text: Uint8Array;
}

/** A decoded SCHEMA body. */
export type SchemaFrame =
  | { readonly phase: 1; readonly types: readonly number[] }
  | { readonly phase: 2; readonly entries: readonly SchemaDescriptorEntry[] };

function malformed(message: string): never {
  throw new SessionError('malformed-frame', message);
}

/** `frame` (a complete frame) with `extra` appended to its body, the header's length updated. */
export function appendToFrame(frame: Uint8Array, extra: Uint8Array): Uint8Array {
  if (extra.length === 0) return frame;
  const out = new Uint8Array(frame.length + extra.length);
  out.set(frame, 0);
  out.set(extra, frame.length);
  writeFrameHeader(out, 0, frame[0] >>> 4, out.length - FRAME_HEADER_SIZE);
  return out;
}

/** HELLO extension bytes: each `tag: u16, length: u16, value`. */
export function encodeHelloExtensions(
  extensions: readonly { readonly tag: number; readonly value?: Uint8Array }[],
): Uint8Array {
  let size = 0;
  for (const e of extensions) size += 4 + (e.value?.length ?? 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const e of extensions) {
    const value = e.value ?? new Uint8Array(0);
    if (value.length > 0xffff) throw new RangeError('a HELLO extension value is at most 65535 bytes');
    out[at] = e.tag >>> 8;
    out[at + 1] = e.tag;
    out[at + 2] = value.length >>> 8;
    out[at + 3] = value.length;
    out.set(value, at + 4);
    at += 4 + value.length;
  }
  return out;
}

/** Offset just after the digest list of a HELLO body the caller already decoded (so its fields fit). */
function helloExtensionStart(source: Uint8Array, start: number): number {
  const tokenLength = (source[start + 44] << 8) | source[start + 45];
  const countAt = start + 46 + tokenLength;
  return countAt + 4 + 12 * readU32(source, countAt);
}

/**
 * The extensions of a version-2 HELLO body (section 4.1), by tag; the last of a repeated tag
 * wins. Throws `malformed-frame` when one overruns the body.
 */
export function decodeHelloExtensions(
  source: Uint8Array,
  start: number,
  end: number,
): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  let at = helloExtensionStart(source, start);
  while (at < end) {
    if (at + 4 > end) malformed('HELLO extension header overruns the frame');
    const tag = (source[at] << 8) | source[at + 1];
    const length = (source[at + 2] << 8) | source[at + 3];
    if (at + 4 + length > end) malformed(`HELLO extension ${tag} overruns the frame`);
    out.set(tag, source.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

function u32List(types: readonly number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * types.length);
  writeU32(out, 0, types.length);
  for (let i = 0; i < types.length; i++) writeU32(out, 4 + 4 * i, types[i] >>> 0);
  return out;
}

/** A complete SCHEMA descriptor request (server -> client): the types to describe, ascending. */
export function encodeSchemaRequest(types: readonly number[]): Uint8Array {
  const list = u32List(types);
  const frame = new Uint8Array(FRAME_HEADER_SIZE + 1 + list.length);
  writeFrameHeader(frame, 0, FrameKind.SCHEMA, 1 + list.length);
  frame[FRAME_HEADER_SIZE] = SchemaPhase.request;
  frame.set(list, FRAME_HEADER_SIZE + 1);
  return frame;
}

/** A complete SCHEMA descriptors answer (client -> server), in the request's order. */
export function encodeSchemaDescriptors(entries: readonly SchemaDescriptorEntry[]): Uint8Array {
  let body = 5;
  for (const e of entries) body += 8 + e.text.length;
  const frame = new Uint8Array(FRAME_HEADER_SIZE + body);
  writeFrameHeader(frame, 0, FrameKind.SCHEMA, body);
  let at = FRAME_HEADER_SIZE;
  frame[at] = SchemaPhase.descriptors;
  writeU32(frame, at + 1, entries.length);
  at += 5;
  for (const e of entries) {
    writeU32(frame, at, e.type >>> 0);
    writeU32(frame, at + 4, e.text.length);
    frame.set(e.text, at + 8);
    at += 8 + e.text.length;
  }
  return frame;
}

/** Decodes a SCHEMA body; throws `malformed-frame` for an unknown phase or fields that overrun it. */
export function decodeSchemaFrame(source: Uint8Array, start: number, end: number): SchemaFrame {
  if (end - start >= 1 && source[start] === SchemaPhase.request)
    return decodeSchemaRequest(source, start, end);
  if (end - start < SCHEMA_MIN_BODY) malformed('SCHEMA body is too short');
  const phase = source[start];
  if (phase !== SchemaPhase.descriptors) malformed(`SCHEMA phase ${phase} is unknown`);
  const count = readU32(source, start + 1);
  let at = start + 5;
  // Every entry takes at least 8 bytes: a hostile count allocates nothing beyond the frame.
  if (count > (end - at) / 8) malformed('SCHEMA descriptors overrun the frame');
  const entries: SchemaDescriptorEntry[] = new Array(count);
  for (let i = 0; i < count; i++) {
    if (at + 8 > end) malformed('SCHEMA descriptors overrun the frame');
    const type = readU32(source, at);
    const length = readU32(source, at + 4);
    if (length > end - at - 8) malformed(`SCHEMA descriptor of type ${type} overruns the frame`);
    entries[i] = { type, text: source.subarray(at + 8, at + 8 + length) };
    at += 8 + length;
  }
  if (at !== end) malformed(`${end - at} bytes left after the SCHEMA descriptors`);
  return { phase, entries };
}

/**
 * Decodes a SCHEMA descriptor request (what a client accepts); throws `malformed-frame` for the
 * other phase or a type list that does not fill the body.
 */
export function decodeSchemaRequest(
  source: Uint8Array,
  start: number,
  end: number,
): Extract<SchemaFrame, { phase: 1 }> {
  if (end - start < SCHEMA_MIN_BODY || source[start] !== SchemaPhase.request)
    malformed('not a SCHEMA request');
  const count = readU32(source, start + 1);
  if (count === 0 || count !== (end - start - 5) / 4)
    malformed('SCHEMA request type list does not fill the frame');
  const types: number[] = new Array(count);
  for (let i = 0; i < count; i++) types[i] = readU32(source, start + 5 + 4 * i);
  return { phase: 1, types };
}

/** A version-2 WELCOME: `welcome` with the absent-types list appended when there are any (section 4.2). */
export function appendAbsentTypes(welcome: Uint8Array, types: readonly number[]): Uint8Array {
  return types.length === 0 ? welcome : appendToFrame(welcome, u32List(types));
}

/** The absent-types list of a version-2 WELCOME body (empty when the body ends at 18). */
export function decodeAbsentTypes(source: Uint8Array, start: number, end: number): number[] {
  const at = start + 18;
  if (end - at < 4) return [];
  const count = readU32(source, at);
  if (count > (end - at - 4) / 4) malformed('WELCOME absent types overrun the frame');
  const types: number[] = new Array(count);
  for (let i = 0; i < count; i++) types[i] = readU32(source, at + 4 + 4 * i);
  return types;
}

/** A REJECT with the schema issues appended (section 4.3), at most {@link MAX_SCHEMA_ISSUES}. */
export function appendSchemaIssues(reject: Uint8Array, issues: readonly WireSchemaIssue[]): Uint8Array {
  const listed = issues.slice(0, MAX_SCHEMA_ISSUES).map((i) => ({
    type: i.type >>> 0,
    rule: encodeText(i.rule, MAX_RULE_BYTES),
    path: encodeText(i.path, MAX_ISSUE_PATH_BYTES),
  }));
  let size = 2;
  for (const i of listed) size += 4 + 1 + i.rule.length + 2 + i.path.length;
  const out = new Uint8Array(size);
  out[0] = listed.length >>> 8;
  out[1] = listed.length;
  let at = 2;
  for (const i of listed) {
    writeU32(out, at, i.type);
    out[at + 4] = i.rule.length;
    out.set(i.rule, at + 5);
    at += 5 + i.rule.length;
    out[at] = i.path.length >>> 8;
    out[at + 1] = i.path.length;
    out.set(i.path, at + 2);
    at += 2 + i.path.length;
  }
  return appendToFrame(reject, out);
}

/**
 * The schema issues of a REJECT body (section 4.3), empty when it has none. Extension bytes that
 * do not parse are ignored (they may be a later version's), never an error.
 */
export function decodeSchemaIssues(source: Uint8Array, start: number, end: number): WireSchemaIssue[] {
  const reasonLength = (source[start + 10] << 8) | source[start + 11];
  const detailsAt = start + 12 + reasonLength;
  if (detailsAt + 4 > end) return [];
  let at = detailsAt + 4 + 5 * readU32(source, detailsAt);
  if (at + 2 > end) return [];
  const count = (source[at] << 8) | source[at + 1];
  at += 2;
  const issues: WireSchemaIssue[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 5 > end) return issues;
    const type = readU32(source, at);
    const ruleLength = source[at + 4];
    const ruleEnd = at + 5 + ruleLength;
    if (ruleEnd + 2 > end) return issues;
    const pathLength = (source[ruleEnd] << 8) | source[ruleEnd + 1];
    const pathEnd = ruleEnd + 2 + pathLength;
    if (pathEnd > end) return issues;
    issues.push({
      type,
      rule: decodeText(source, at + 5, ruleEnd),
      path: decodeText(source, ruleEnd + 2, pathEnd),
    });
    at = pathEnd;
  }
  return issues;
}
