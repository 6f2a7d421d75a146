/**
 * Decodes one complete bp frame field by field (PROTOCOL.md section 4), the way the generated
 * dissector shows it: the same field names, the same shown values, the same expert infos.
 */
import type { DecodedField, DecodedFrame, DecodedMessage, Problem } from './decoded-frame.js';
import { type FieldSpec, PRIM_BYTES, type ProtocolPlan } from './field-plan.js';
import { fieldText } from './field-text.js';
import {
  DESCRIPTOR_SHOWN_BYTES,
  EXPERTS,
  type ExpertKey,
  FRAME_FIELDS as F,
  isSecretMetadataKey,
  KIND_NAMES,
} from './frame-fields.js';
import { decodePayload, readPrimitive } from './payload-decoder.js';
import {
  CONTROL_FRAME_LIMIT,
  CREDIT_KIND,
  ERROR_MIN_BODY,
  FRAME_HEADER_SIZE,
  FrameKind,
  GOODBYE_MIN_BODY,
  HELLO_MIN_BODY,
  MAGIC,
  METADATA_MIN_BODY,
  REJECT_MIN_BODY,
  SCHEMA_MIN_BODY,
  SchemaPhase,
  WELCOME_MIN_BODY,
} from './wire.js';

/** The default payload limit of a ProtocolConfig, used without a protocol. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
const DEFAULT_HEADER_SIZE = 2;

/** Where the frames come from: decides whether CREDIT frames are legal. */
export interface FrameContext {
  /** The protocol's field plan; without one, message payloads are shown as bytes. */
  readonly plan?: ProtocolPlan | undefined;
  /** The WebSocket subprotocol the frames travel in, if any (CREDIT is legal in `bp-flow.v1` only). */
  readonly subprotocol?: string | undefined;
}

/** The largest body any frame may declare (PROTOCOL.md 3.2, 14.2): above it the bytes are not bp. */
export function maxFrameBody(plan: ProtocolPlan | undefined): number {
  const payload = plan?.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD;
  const header = plan?.headerSize ?? DEFAULT_HEADER_SIZE;
  return Math.max(CONTROL_FRAME_LIMIT, 4 + header + payload);
}

/** True when `kind` is a frame kind of some version (CREDIT included). */
export function isFrameKind(kind: number): boolean {
  return KIND_NAMES.has(kind);
}

class Stop {}

const utf8 = new TextDecoder('utf-8');

class FrameWalk {
  at = FRAME_HEADER_SIZE;
  readonly fields: DecodedField[] = [];
  readonly problems: Problem[] = [];
  readonly view: DataView;
  readonly end: number;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.length;
  }

  problem(key: ExpertKey, message: string): void {
    this.problems.push({ expert: EXPERTS[key].abbrev, message });
  }

  /** A fatal problem: record it and stop reading the frame. */
  fail(message: string): never {
    this.problem('malformed', message);
    throw new Stop();
  }

  add(field: FieldSpec, value: unknown): void {
    this.fields.push({ name: field.abbrev, show: fieldText(field.type, value), value });
  }

  need(n: number, what: string): void {
    if (n > this.end - this.at) this.fail(`${what} overruns the frame`);
  }

  uint(field: FieldSpec, size: 1 | 2 | 4): number {
    this.need(size, field.label);
    const value =
      size === 1
        ? this.view.getUint8(this.at)
        : size === 2
          ? this.view.getUint16(this.at)
          : this.view.getUint32(this.at);
    this.at += size;
    this.add(field, value);
    return value;
  }

  raw(field: FieldSpec, size: number): Uint8Array {
    this.need(size, field.label);
    const value = this.bytes.slice(this.at, this.at + size);
    this.at += size;
    this.add(field, value);
    return value;
  }

  text(field: FieldSpec, size: number): string {
    this.need(size, field.label);
    const value = utf8.decode(this.bytes.subarray(this.at, this.at + size));
    this.at += size;
    this.add(field, value);
    return value;
  }

  magic(field: FieldSpec): void {
    this.need(4, field.label);
    const value = this.view.getUint32(this.at);
    let text = '';
    for (let i = 0; i < 4; i++) text += String.fromCharCode(this.bytes[this.at + i]);
    this.at += 4;
    this.add(field, text);
    if (value !== MAGIC) this.problem('badMagic', `magic is ${text}, not BPWP`);
  }

  extension(): void {
    if (this.at < this.end) this.raw(F.extension, this.end - this.at);
  }

  /** Adds `shown` for the next `size` bytes (masked or cut text). */
  shown(field: FieldSpec, size: number, shown: string): void {
    this.need(size, field.label);
    this.add(field, shown);
    this.at += size;
  }
}

/** HELLO extensions of version 2 (PROTOCOL.md 4.1): `tag: u16, length: u16, value`. */
function helloExtensions(walk: FrameWalk): void {
  while (walk.at < walk.end) {
    if (walk.end - walk.at < 4) walk.fail('HELLO extension header overruns the frame');
    walk.uint(F.helloExtensionTag, 2);
    const length = walk.uint(F.helloExtensionLength, 2);
    if (length > 0) walk.raw(F.helloExtensionValue, length);
  }
}

/** WELCOME's absent types of version 2 (PROTOCOL.md 4.2). */
function absentTypes(walk: FrameWalk): void {
  if (walk.at === walk.end) return;
  const count = walk.uint(F.welcomeAbsentCount, 4);
  if (count > (walk.end - walk.at) / 4) walk.fail('WELCOME absent types overrun the frame');
  for (let i = 0; i < count; i++) walk.uint(F.welcomeAbsentType, 4);
  walk.extension();
}

/** REJECT's schema issues of version 2 (PROTOCOL.md 4.3). */
function schemaIssues(walk: FrameWalk): void {
  if (walk.at === walk.end) return;
  const count = walk.uint(F.rejectIssueCount, 2);
  if (count > (walk.end - walk.at) / 7) walk.fail('REJECT schema issues overrun the frame');
  for (let i = 0; i < count; i++) {
    walk.uint(F.rejectIssueType, 4);
    walk.need(1, 'Rule length');
    const ruleLength = walk.bytes[walk.at++];
    walk.text(F.rejectIssueRule, ruleLength);
    walk.need(2, 'Path length');
    const pathLength = walk.view.getUint16(walk.at);
    walk.at += 2;
    walk.text(F.rejectIssuePath, pathLength);
  }
  walk.extension();
}

/** A SCHEMA frame (PROTOCOL.md 4.11): a type list, or descriptors with their JSON text. */
function schemaFrame(walk: FrameWalk): void {
  const phase = walk.uint(F.schemaPhase, 1);
  const count = walk.uint(F.schemaCount, 4);
  if (phase === SchemaPhase.request) {
    if (count === 0 || count !== (walk.end - walk.at) / 4)
      walk.fail('SCHEMA request type list does not fill the frame');
    for (let i = 0; i < count; i++) walk.uint(F.schemaType, 4);
    return;
  }
  if (phase !== SchemaPhase.descriptors) walk.fail(`SCHEMA phase ${phase} is unknown`);
  if (count > (walk.end - walk.at) / 8) walk.fail('SCHEMA descriptors overrun the frame');
  for (let i = 0; i < count; i++) {
    walk.uint(F.schemaType, 4);
    const length = walk.uint(F.schemaDescriptorLength, 4);
    walk.need(length, 'Descriptor');
    const cut = length > DESCRIPTOR_SHOWN_BYTES;
    const text = utf8.decode(
      walk.bytes.subarray(walk.at, walk.at + Math.min(length, DESCRIPTOR_SHOWN_BYTES)),
    );
    walk.shown(F.schemaDescriptor, length, cut ? `${text}...` : text);
  }
  if (walk.at !== walk.end) walk.fail(`${walk.end - walk.at} bytes left after the SCHEMA descriptors`);
}

/** A METADATA frame (PROTOCOL.md 20.2); values of secret keys are masked. */
function metadataFrame(walk: FrameWalk): void {
  walk.uint(F.requestId, 4);
  const count = walk.uint(F.metadataCount, 1);
  if (count === 0) walk.fail('METADATA has no entries');
  for (let i = 0; i < count; i++) {
    walk.need(1, 'Key length');
    const keyLength = walk.bytes[walk.at++];
    const key = walk.text(F.metadataKey, keyLength);
    walk.need(2, 'Value length');
    const valueLength = walk.view.getUint16(walk.at);
    walk.at += 2;
    if (isSecretMetadataKey(key)) walk.shown(F.metadataValue, valueLength, '*'.repeat(valueLength));
    else walk.text(F.metadataValue, valueLength);
  }
  if (walk.at !== walk.end) walk.fail(`${walk.end - walk.at} bytes left after the METADATA entries`);
}

function checkLength(walk: FrameWalk, name: string, length: number, min: number, max: number): void {
  if (length < min) walk.fail(`${name} body is ${length} bytes, at least ${min}`);
  if (length > max) walk.problem('tooLarge', `${name} body is ${length} bytes, at most ${max}`);
}

function exactly4(walk: FrameWalk, name: string, length: number): void {
  if (length !== 4) walk.fail(`${name} body is ${length} bytes, exactly 4`);
}

function message(
  walk: FrameWalk,
  ctx: FrameContext,
  withId: boolean,
  name: string,
  length: number,
): DecodedMessage | undefined {
  const plan = ctx.plan;
  const headerSize = plan?.headerSize ?? DEFAULT_HEADER_SIZE;
  const idSize = withId ? 4 : 0;
  const payloadLimit = plan?.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD;
  checkLength(walk, name, length, idSize + headerSize, idSize + headerSize + payloadLimit);
  if (withId) walk.uint(F.requestId, 4);
  const headerPrim = plan?.headerPrim ?? 'u16';
  const type = readPrimitive(walk.view, walk.at, headerPrim) as number;
  const typeField: FieldSpec = { abbrev: 'bp.msg.type', label: 'Type', type: 'uint32' };
  walk.add(typeField, type);
  walk.at += PRIM_BYTES[headerPrim];
  const typePlan = plan?.types.find((t) => t.type === type);
  if (typePlan === undefined) {
    if (plan !== undefined) walk.problem('unknownType', `message type ${type} is not part of the protocol`);
    walk.raw(F.payload, walk.end - walk.at);
    return { type, typeName: undefined, value: undefined };
  }
  const result = decodePayload(typePlan, plan!.maxElements, walk.bytes, walk.at, walk.end, walk.fields);
  if (result.problem !== undefined) walk.problems.push(result.problem);
  walk.at = walk.end;
  return { type, typeName: typePlan.name, value: result.value };
}

/**
 * Decodes one frame: `bytes` holds exactly its 4-byte header and body. Never throws: anything
 * wrong with the frame is in its `problems`.
 */
export function decodeFrame(bytes: Uint8Array, ctx: FrameContext = {}): DecodedFrame {
  const walk = new FrameWalk(bytes);
  if (bytes.length < FRAME_HEADER_SIZE) {
    walk.problem('notBp', `${bytes.length} bytes are not a frame header`);
    return { kind: undefined, kindName: 'not bp', length: bytes.length, fields: [], problems: walk.problems };
  }
  const header = walk.view.getUint32(0);
  const kind = header >>> 28;
  const length = header & 0x0fffffff;
  const kindName = KIND_NAMES.get(kind) ?? `reserved kind ${kind}`;
  walk.add(F.kind, kind);
  walk.add(F.length, length);
  let decoded: DecodedMessage | undefined;
  const payloadLimit = ctx.plan?.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD;
  const handshakeLimit = Math.max(CONTROL_FRAME_LIMIT, payloadLimit);
  try {
    if (bytes.length - FRAME_HEADER_SIZE !== length) {
      walk.fail(`the header declares ${length} body bytes, ${bytes.length - FRAME_HEADER_SIZE} are there`);
    }
    switch (kind) {
      case FrameKind.HELLO: {
        checkLength(walk, 'HELLO', length, HELLO_MIN_BODY, handshakeLimit);
        walk.magic(F.helloMagic);
        walk.uint(F.helloMinVersion, 2);
        const maxVersion = walk.uint(F.helloMaxVersion, 2);
        walk.uint(F.helloMaxPayload, 4);
        walk.raw(F.helloFingerprint, 32);
        const tokenLength = walk.uint(F.helloTokenLength, 2);
        walk.need(tokenLength, 'HELLO token');
        if (tokenLength > 0) walk.add(F.helloToken, '*'.repeat(tokenLength));
        walk.at += tokenLength;
        const count = walk.uint(F.helloTypeCount, 4);
        if (count > (walk.end - walk.at) / 12) walk.fail('HELLO type digests overrun the frame');
        for (let i = 0; i < count; i++) {
          walk.uint(F.helloDigestType, 4);
          walk.raw(F.helloDigest, 8);
        }
        if (maxVersion >= 2) helloExtensions(walk);
        else walk.extension();
        break;
      }
      case FrameKind.WELCOME: {
        checkLength(walk, 'WELCOME', length, WELCOME_MIN_BODY, CONTROL_FRAME_LIMIT);
        walk.magic(F.welcomeMagic);
        const version = walk.uint(F.welcomeVersion, 2);
        walk.uint(F.welcomeMaxPayload, 4);
        walk.uint(F.welcomeHeartbeat, 4);
        walk.uint(F.welcomeMaxInFlight, 4);
        if (version >= 2) absentTypes(walk);
        else walk.extension();
        break;
      }
      case FrameKind.REJECT: {
        checkLength(walk, 'REJECT', length, REJECT_MIN_BODY, handshakeLimit);
        walk.magic(F.rejectMagic);
        walk.uint(F.rejectCode, 2);
        walk.uint(F.rejectMinVersion, 2);
        const maxVersion = walk.uint(F.rejectMaxVersion, 2);
        const reasonLength = walk.uint(F.rejectReasonLength, 2);
        walk.text(F.rejectReason, reasonLength);
        const count = walk.uint(F.rejectDetailCount, 4);
        if (count > (walk.end - walk.at) / 5) walk.fail('REJECT details overrun the frame');
        for (let i = 0; i < count; i++) {
          walk.uint(F.rejectDetailType, 4);
          walk.uint(F.rejectDetailStatus, 1);
        }
        if (maxVersion >= 2) schemaIssues(walk);
        else walk.extension();
        break;
      }
      case FrameKind.MESSAGE:
        decoded = message(walk, ctx, false, 'MESSAGE', length);
        break;
      case FrameKind.REQUEST:
        decoded = message(walk, ctx, true, 'REQUEST', length);
        break;
      case FrameKind.RESPONSE:
        decoded = message(walk, ctx, true, 'RESPONSE', length);
        break;
      case FrameKind.ERROR:
        checkLength(walk, 'ERROR', length, ERROR_MIN_BODY, CONTROL_FRAME_LIMIT);
        walk.uint(F.requestId, 4);
        walk.uint(F.errorCode, 2);
        walk.text(F.errorMessage, walk.end - walk.at);
        break;
      case FrameKind.PING:
      case FrameKind.PONG:
        exactly4(walk, kindName, length);
        walk.uint(F.nonce, 4);
        break;
      case FrameKind.GOODBYE:
        checkLength(walk, 'GOODBYE', length, GOODBYE_MIN_BODY, CONTROL_FRAME_LIMIT);
        walk.uint(F.goodbyeCode, 2);
        walk.uint(F.goodbyeDeadline, 4);
        walk.text(F.goodbyeReason, walk.end - walk.at);
        break;
      case FrameKind.CANCEL:
        exactly4(walk, kindName, length);
        walk.uint(F.requestId, 4);
        break;
      case FrameKind.METADATA:
        checkLength(walk, 'METADATA', length, METADATA_MIN_BODY, CONTROL_FRAME_LIMIT);
        metadataFrame(walk);
        break;
      case FrameKind.SCHEMA:
        checkLength(walk, 'SCHEMA', length, SCHEMA_MIN_BODY, handshakeLimit);
        schemaFrame(walk);
        break;
      case CREDIT_KIND:
        exactly4(walk, kindName, length);
        walk.uint(F.credit, 4);
        if (ctx.subprotocol !== 'bp-flow.v1')
          walk.fail('CREDIT is only legal inside the WebSocket subprotocol bp-flow.v1');
        break;
      default:
        walk.fail(`frame kind ${kind} is reserved`);
    }
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
  }
  const frame: DecodedFrame = { kind, kindName, length, fields: walk.fields, problems: walk.problems };
  return decoded === undefined ? frame : { ...frame, message: decoded };
}
