/**
 * The frame-layer fields of the dissector (PROTOCOL.md sections 3 and 4), shared by the Lua
 * generator and `bp decode`, and the expert infos both raise.
 */
import type { FieldSpec, FieldType } from './field-plan.js';
import {
  CREDIT_KIND,
  ErrorCode,
  FrameKind,
  MismatchStatus,
  SCHEMA_RESOLUTION_TAG,
  SchemaPhase,
} from './wire.js';

/** Frame kind names by number: version 1's, `SCHEMA` (version 2), `METADATA` (version 3), CREDIT. */
export const KIND_NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  ...Object.entries(FrameKind).map(([name, kind]) => [kind, name] as [number, string]),
  [CREDIT_KIND, 'CREDIT'],
]);

/** HELLO extension tag names (PROTOCOL.md 4.1). */
export const HELLO_EXTENSION_NAMES: ReadonlyMap<number, string> = new Map([
  [SCHEMA_RESOLUTION_TAG, 'schema-resolution'],
]);

/** SCHEMA phase names (PROTOCOL.md 4.11). */
export const SCHEMA_PHASE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(SchemaPhase).map(([name, phase]) => [phase, name] as [number, string]),
);

/**
 * The most bytes of a SCHEMA descriptor's JSON text that are shown; a longer one is cut there and
 * marked with `...` (its whole range stays selectable in Wireshark).
 */
export const DESCRIPTOR_SHOWN_BYTES = 256;

/** True for the metadata keys whose values are masked like the HELLO token (section 20). */
export function isSecretMetadataKey(key: string): boolean {
  return key === 'authorization' || key.endsWith('token');
}

/** Error code names by number (PROTOCOL.md 9.1). */
export const ERROR_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(ErrorCode).map(([name, code]) => [code, name] as [number, string]),
);

const STATUS_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(MismatchStatus).map(([name, code]) => [code, name] as [number, string]),
);

function field(
  abbrev: string,
  label: string,
  type: FieldType,
  valueNames?: ReadonlyMap<number, string>,
): FieldSpec {
  return valueNames === undefined ? { abbrev, label, type } : { abbrev, label, type, valueNames };
}

/** Every frame-layer field by a short key. */
export const FRAME_FIELDS = {
  kind: field('bp.kind', 'Kind', 'uint8', KIND_NAMES),
  length: field('bp.length', 'Body length', 'uint32'),
  requestId: field('bp.request_id', 'Request id', 'uint32'),
  helloMagic: field('bp.hello.magic', 'Magic', 'string'),
  helloMinVersion: field('bp.hello.min_version', 'Min version', 'uint16'),
  helloMaxVersion: field('bp.hello.max_version', 'Max version', 'uint16'),
  helloMaxPayload: field('bp.hello.max_payload_size', 'Max payload size', 'uint32'),
  helloFingerprint: field('bp.hello.fingerprint', 'Schema fingerprint', 'bytes'),
  helloTokenLength: field('bp.hello.token_length', 'Token length', 'uint16'),
  helloToken: field('bp.hello.token', 'Token (masked)', 'string'),
  helloTypeCount: field('bp.hello.type_count', 'Type digests', 'uint32'),
  helloDigestType: field('bp.hello.digest.type', 'Type', 'uint32'),
  helloDigest: field('bp.hello.digest.value', 'Digest', 'bytes'),
  helloExtensionTag: field('bp.hello.extension.tag', 'Extension', 'uint16', HELLO_EXTENSION_NAMES),
  helloExtensionLength: field('bp.hello.extension.length', 'Extension length', 'uint16'),
  helloExtensionValue: field('bp.hello.extension.value', 'Extension value', 'bytes'),
  welcomeMagic: field('bp.welcome.magic', 'Magic', 'string'),
  welcomeVersion: field('bp.welcome.version', 'Version', 'uint16'),
  welcomeMaxPayload: field('bp.welcome.max_payload_size', 'Max payload size', 'uint32'),
  welcomeHeartbeat: field('bp.welcome.heartbeat_interval', 'Heartbeat interval (ms)', 'uint32'),
  welcomeMaxInFlight: field('bp.welcome.max_in_flight', 'Max requests in flight', 'uint32'),
  welcomeAbsentCount: field('bp.welcome.absent_count', 'Absent types', 'uint32'),
  welcomeAbsentType: field('bp.welcome.absent_type', 'Absent type', 'uint32'),
  rejectMagic: field('bp.reject.magic', 'Magic', 'string'),
  rejectCode: field('bp.reject.code', 'Code', 'uint16', ERROR_NAMES),
  rejectMinVersion: field('bp.reject.min_version', 'Server min version', 'uint16'),
  rejectMaxVersion: field('bp.reject.max_version', 'Server max version', 'uint16'),
  rejectReasonLength: field('bp.reject.reason_length', 'Reason length', 'uint16'),
  rejectReason: field('bp.reject.reason', 'Reason', 'string'),
  rejectDetailCount: field('bp.reject.detail_count', 'Mismatch details', 'uint32'),
  rejectDetailType: field('bp.reject.detail.type', 'Type', 'uint32'),
  rejectDetailStatus: field('bp.reject.detail.status', 'Status', 'uint8', STATUS_NAMES),
  rejectIssueCount: field('bp.reject.issue_count', 'Schema issues', 'uint16'),
  /** The generated dissector names the protocol's types on this field. */
  rejectIssueType: field('bp.reject.issue.type', 'Type', 'uint32'),
  rejectIssueRule: field('bp.reject.issue.rule', 'Rule', 'string'),
  rejectIssuePath: field('bp.reject.issue.path', 'Path', 'string'),
  schemaPhase: field('bp.schema.phase', 'Phase', 'uint8', SCHEMA_PHASE_NAMES),
  schemaCount: field('bp.schema.count', 'Types', 'uint32'),
  schemaType: field('bp.schema.type', 'Type', 'uint32'),
  schemaDescriptorLength: field('bp.schema.descriptor_length', 'Descriptor length', 'uint32'),
  schemaDescriptor: field('bp.schema.descriptor', 'Descriptor', 'string'),
  metadataCount: field('bp.metadata.count', 'Entries', 'uint8'),
  metadataKey: field('bp.metadata.key', 'Key', 'string'),
  metadataValue: field('bp.metadata.value', 'Value', 'string'),
  extension: field('bp.extension', 'Extension bytes', 'bytes'),
  errorCode: field('bp.error.code', 'Code', 'uint16', ERROR_NAMES),
  errorMessage: field('bp.error.message', 'Message', 'string'),
  nonce: field('bp.nonce', 'Nonce', 'uint32'),
  goodbyeCode: field('bp.goodbye.code', 'Code', 'uint16', ERROR_NAMES),
  goodbyeDeadline: field('bp.goodbye.deadline', 'Drain deadline (ms)', 'uint32'),
  goodbyeReason: field('bp.goodbye.reason', 'Reason', 'string'),
  credit: field('bp.credit', 'Credit (bytes)', 'uint32'),
  payload: field('bp.msg.payload', 'Payload', 'bytes'),
} as const;

/** Expert infos: the filter name, Wireshark group and severity, and what they flag. */
export const EXPERTS = {
  notBp: { abbrev: 'bp.expert.not_bp', group: 'PI_MALFORMED', severity: 'PI_ERROR', text: 'Not a bp frame' },
  malformed: {
    abbrev: 'bp.expert.malformed',
    group: 'PI_MALFORMED',
    severity: 'PI_ERROR',
    text: 'Malformed frame',
  },
  tooLarge: {
    abbrev: 'bp.expert.too_large',
    group: 'PI_PROTOCOL',
    severity: 'PI_ERROR',
    text: 'Frame above the limit',
  },
  badMagic: { abbrev: 'bp.expert.bad_magic', group: 'PI_PROTOCOL', severity: 'PI_WARN', text: 'Bad magic' },
  unknownType: {
    abbrev: 'bp.expert.unknown_type',
    group: 'PI_PROTOCOL',
    severity: 'PI_WARN',
    text: 'Unknown message type',
  },
  decodeError: {
    abbrev: 'bp.expert.decode_error',
    group: 'PI_MALFORMED',
    severity: 'PI_ERROR',
    text: 'Payload does not decode',
  },
} as const;

/** Key of an expert info. */
export type ExpertKey = keyof typeof EXPERTS;

/** Field names the message layer must not reuse. */
export const reservedNames: readonly string[] = [
  ...Object.values(FRAME_FIELDS).map((f) => f.abbrev),
  'bp.msg.type',
  ...Object.values(EXPERTS).map((e) => e.abbrev),
];
