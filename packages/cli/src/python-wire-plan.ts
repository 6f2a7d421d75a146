/**
 * The plan of the Python `binary_protocol` package's wire (docs/binary-protocol-compat.md), which
 * `BinaryServer`/`BinaryClient` of `@bp/transport-node` speak: a message is the type header, a
 * `>I` payload length only for a variable structure, the payload, and a checksum trailer when the
 * protocol has one; NOT_FOUND is the header alone. Its fields are named under `bpy.` (its own
 * protocol in the dissector), the payload fields as `bpy.<TypeName>.<field path>`.
 */
import type { ProtocolConfig } from '@bp/codec';
import { CliError } from './cli-error.js';
import { buildPlan, type FieldSpec, type MessagePlan, type ProtocolPlan } from './field-plan.js';

/** The header-level fields of the wire. */
export const PY_FIELDS = {
  type: { abbrev: 'bpy.msg.type', label: 'Message type', type: 'uint32' },
  length: { abbrev: 'bpy.length', label: 'Payload length', type: 'uint32' },
  checksum: { abbrev: 'bpy.checksum', label: 'Checksum', type: 'bytes' },
} as const satisfies Record<string, FieldSpec>;

/** The expert infos of the wire, as in the dissector. */
export const PY_EXPERTS = {
  malformed: {
    abbrev: 'bpy.expert.malformed',
    group: 'PI_MALFORMED',
    severity: 'PI_ERROR',
    text: 'Not a message of the protocol',
  },
  tooLarge: {
    abbrev: 'bpy.expert.too_large',
    group: 'PI_PROTOCOL',
    severity: 'PI_ERROR',
    text: 'Payload length above maxPayloadSize',
  },
  unknownType: {
    abbrev: 'bpy.expert.unknown_type',
    group: 'PI_PROTOCOL',
    severity: 'PI_WARN',
    text: 'Unknown message type (read as the header alone)',
  },
  decodeError: {
    abbrev: 'bpy.expert.decode_error',
    group: 'PI_MALFORMED',
    severity: 'PI_ERROR',
    text: 'Payload does not decode',
  },
} as const;

/** One message type on the wire. */
export interface PythonWireType extends MessagePlan {
  /** True when the payload is preceded by the `>I` length (a variable MessageStructure). */
  readonly lengthPrefixed: boolean;
  /** Payload bytes of a fixed structure; undefined for a length-prefixed one or one that cannot be framed. */
  readonly fixedSize: number | undefined;
}

/** Everything the dissector and `bp decode --binary-protocol` need to read the wire. */
export interface PythonWirePlan {
  /** Header, limits and field names (`bpy.`); its `types` are those of {@link PythonWirePlan.wireTypes}. */
  readonly plan: ProtocolPlan;
  readonly wireTypes: readonly PythonWireType[];
  /** The type number of NOT_FOUND (header alone), unless a declared type has that number. */
  readonly notFoundType: number;
  /** Bytes of the checksum trailer; 0 without a checksum. */
  readonly checksumSize: number;
}

const RESERVED = [
  ...Object.values(PY_FIELDS).map((f) => f.abbrev),
  ...Object.values(PY_EXPERTS).map((e) => e.abbrev),
];

/**
 * True for a protocol that has the Python package's wire: a `ProtocolConfig` (a `Protocol` has
 * only bp's, header then payload, and no lengths, checksum or NOT_FOUND).
 */
export function hasPythonWire(protocol: object): protocol is ProtocolConfig<any, any> {
  return typeof (protocol as Partial<ProtocolConfig>).isLengthPrefixed === 'function';
}

/**
 * The wire plan of a protocol; {@link CliError} `not-a-protocol` for one without the Python
 * package's wire (`option` names what asked for it).
 */
export function pythonWirePlanOf(protocol: object, option = 'the Python wire plan'): PythonWirePlan {
  if (!hasPythonWire(protocol)) {
    throw new CliError(
      'not-a-protocol',
      `${option} needs a ProtocolConfig: this protocol is a Protocol, which has only bp's own wire; build the same schema with \`new ProtocolConfig({...})\` to describe the Python binary_protocol wire`,
    );
  }
  const plan = buildPlan(
    {
      descriptor: protocol.describe(),
      maxPayloadSize: protocol.maxPayloadSize,
      maxElements: protocol.decodeLimits.maxElements,
    },
    'bpy',
    RESERVED,
  );
  const wireTypes = plan.types.map((t): PythonWireType => {
    const lengthPrefixed = protocol.isLengthPrefixed(t.type);
    return {
      ...t,
      lengthPrefixed,
      fixedSize: lengthPrefixed ? undefined : protocol.codecFor(t.type).fixedSize,
    };
  });
  return {
    plan,
    wireTypes,
    notFoundType: protocol.notFoundType as number,
    checksumSize: protocol.checksumEnabled ? protocol.checksumSize : 0,
  };
}
