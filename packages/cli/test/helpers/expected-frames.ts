/**
 * The shared expectation: what both tshark (with the generated dissector) and `bp decode` must
 * report for a frame, built from the values a test sent.
 */
import type { ProtocolPlan } from '../../src/field-plan.js';
import { colonHex } from '../../src/field-text.js';
import { expectedFields } from './expected-fields.js';
import { type FrameView, normalized } from './tshark.js';

type Fields = [string, string | number][];

function view(kind: number, length: number, fields: Fields, experts: string[] = []): FrameView {
  const out: Record<string, string[]> = {};
  for (const [name, value] of [['bp.kind', kind], ['bp.length', length], ...fields] as Fields) {
    (out[name] ??= []).push(String(value));
  }
  return normalized({ fields: out, experts });
}

const encoder = new TextEncoder();
const bytesOf = (s: string) => encoder.encode(s).length;

export const expect = {
  hello(h: {
    minVersion: number;
    maxVersion: number;
    maxPayloadSize: number;
    fingerprint: Uint8Array;
    token?: string;
    digests: readonly { type: number; digest: Uint8Array }[];
  }): FrameView {
    const tokenLength = h.token === undefined ? 0 : bytesOf(h.token);
    const fields: Fields = [
      ['bp.hello.magic', 'BPWP'],
      ['bp.hello.min_version', h.minVersion],
      ['bp.hello.max_version', h.maxVersion],
      ['bp.hello.max_payload_size', h.maxPayloadSize],
      ['bp.hello.fingerprint', colonHex(h.fingerprint)],
      ['bp.hello.token_length', tokenLength],
      ['bp.hello.type_count', h.digests.length],
    ];
    if (tokenLength > 0) fields.push(['bp.hello.token', '*'.repeat(tokenLength)]);
    for (const d of h.digests)
      fields.push(
        ['bp.hello.digest.type', d.type >>> 0],
        ['bp.hello.digest.value', colonHex(d.digest.subarray(0, 8))],
      );
    return view(1, 46 + tokenLength + 4 + 12 * h.digests.length, fields);
  },
  welcome(w: {
    version: number;
    maxPayloadSize: number;
    heartbeatInterval: number;
    maxInFlight: number;
  }): FrameView {
    return view(2, 18, [
      ['bp.welcome.magic', 'BPWP'],
      ['bp.welcome.version', w.version],
      ['bp.welcome.max_payload_size', w.maxPayloadSize],
      ['bp.welcome.heartbeat_interval', w.heartbeatInterval],
      ['bp.welcome.max_in_flight', w.maxInFlight],
    ]);
  },
  reject(r: {
    code: number;
    minVersion: number;
    maxVersion: number;
    reason: string;
    details: readonly { type: number; status: number }[];
  }): FrameView {
    const fields: Fields = [
      ['bp.reject.magic', 'BPWP'],
      ['bp.reject.code', r.code],
      ['bp.reject.min_version', r.minVersion],
      ['bp.reject.max_version', r.maxVersion],
      ['bp.reject.reason_length', bytesOf(r.reason)],
      ['bp.reject.reason', r.reason],
      ['bp.reject.detail_count', r.details.length],
    ];
    for (const d of r.details)
      fields.push(['bp.reject.detail.type', d.type], ['bp.reject.detail.status', d.status]);
    return view(3, 16 + bytesOf(r.reason) + 5 * r.details.length, fields);
  },
  message(
    plan: ProtocolPlan,
    kind: 4 | 5 | 6,
    type: number,
    value: unknown,
    bodyLength: number,
    requestId?: number,
  ): FrameView {
    const t = plan.types.find((x) => x.type === type)!;
    const fields: Fields = [['bp.msg.type', type], ...expectedFields(t.root, value)];
    if (requestId !== undefined) fields.push(['bp.request_id', requestId]);
    return view(kind, bodyLength, fields);
  },
  error(e: { requestId: number; code: number; message: string }): FrameView {
    return view(7, 6 + bytesOf(e.message), [
      ['bp.request_id', e.requestId],
      ['bp.error.code', e.code],
      ['bp.error.message', e.message],
    ]);
  },
  nonce(kind: 8 | 9, nonce: number): FrameView {
    return view(kind, 4, [['bp.nonce', nonce]]);
  },
  goodbye(g: { code: number; deadline: number; reason: string }): FrameView {
    return view(10, 6 + bytesOf(g.reason), [
      ['bp.goodbye.code', g.code],
      ['bp.goodbye.deadline', g.deadline],
      ['bp.goodbye.reason', g.reason],
    ]);
  },
  cancel(requestId: number): FrameView {
    return view(11, 4, [['bp.request_id', requestId]]);
  },
  credit(bytes: number): FrameView {
    return view(15, 4, [['bp.credit', bytes]]);
  },
  /** `base` (a version-1 frame's view) with `extra` body bytes read as `fields` (version 2, 3). */
  extended(base: FrameView, extra: number, fields: Fields): FrameView {
    const out: Record<string, string[]> = {};
    for (const [name, values] of Object.entries(base.fields)) out[name] = [...values];
    out['bp.length'] = [String(Number(base.fields['bp.length'][0]) + extra)];
    for (const [name, value] of fields) (out[name] ??= []).push(String(value));
    return normalized({ fields: out, experts: [...base.experts] });
  },
  schemaRequest(types: readonly number[]): FrameView {
    return view(13, 5 + 4 * types.length, [
      ['bp.schema.phase', 1],
      ['bp.schema.count', types.length],
      ...types.map((t): [string, number] => ['bp.schema.type', t]),
    ]);
  },
  schemaDescriptors(entries: readonly { type: number; text: string }[], shownBytes: number): FrameView {
    const fields: Fields = [
      ['bp.schema.phase', 2],
      ['bp.schema.count', entries.length],
    ];
    let length = 5;
    for (const e of entries) {
      const n = bytesOf(e.text);
      length += 8 + n;
      // The descriptors of these tests are ASCII, so cutting at a byte count cuts no character.
      const shown = n > shownBytes ? `${e.text.slice(0, shownBytes)}...` : e.text;
      fields.push(
        ['bp.schema.type', e.type],
        ['bp.schema.descriptor_length', n],
        ['bp.schema.descriptor', shown],
      );
    }
    return view(13, length, fields);
  },
  metadata(requestId: number, entries: Record<string, string>, masked: (key: string) => boolean): FrameView {
    const fields: Fields = [
      ['bp.request_id', requestId],
      ['bp.metadata.count', Object.keys(entries).length],
    ];
    let length = 5;
    for (const [key, value] of Object.entries(entries)) {
      length += 1 + bytesOf(key) + 2 + bytesOf(value);
      fields.push(
        ['bp.metadata.key', key],
        ['bp.metadata.value', masked(key) ? '*'.repeat(bytesOf(value)) : value],
      );
    }
    return view(12, length, fields);
  },
  notBp(): FrameView {
    return normalized({ fields: {}, experts: ['bp.expert.not_bp'] });
  },
};
