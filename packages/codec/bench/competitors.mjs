// The libraries bp is compared with, each used the fastest way its documentation offers in Node:
// JSON (Buffer in and out), msgpackr with records and shared structures, protobufjs (reflection,
// which compiles encoders and decoders at run time), avsc (compiled at run time).
//
// An adapter's operations are "isolated" (see loops.mjs): they may only use their parameters and
// globals, and everything they need is in the context object `setup` returns.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import avro from 'avsc';
import { isNativeAccelerationEnabled, Packr, REUSE_BUFFER_MODE } from 'msgpackr';
import protobuf from 'protobufjs';

/**
 * @typedef {object} Adapter
 * @property {string} id
 * @property {'reference' | 'bp' | 'library'} kind
 * @property {string} label          shown in tables
 * @property {string} how            one line: which calls are measured
 * @property {boolean} [buffers]     wants Node Buffers (not plain Uint8Arrays) as wire input and target
 * @property {(value: any) => any} [input]  converts a scenario value, once, to the form the library's
 *   users hold (e.g. Buffer instead of Uint8Array); not timed
 * @property {(scenario: import('./scenarios.mjs').Scenario) => object | undefined} setup  context, or undefined if unsupported
 * @property {((ctx: any, value: any, target: Uint8Array) => number) | undefined} encodeInto  into a reused buffer; returns bytes written
 * @property {(ctx: any, value: any) => Uint8Array} encode   into a fresh buffer owned by the caller
 * @property {(ctx: any, bytes: Uint8Array) => any} decode
 */

/** @type {Adapter} */
export const json = {
  id: 'json',
  kind: 'library',
  label: 'JSON',
  how: 'buf.write(JSON.stringify(v)) / Buffer.from(JSON.stringify(v)) / JSON.parse(buf.toString()); bytes as base64',
  buffers: true,
  setup: (scenario) => ({ blob: scenario.shape === 'blob' }),
  encodeInto: (ctx, v, target) =>
    target.write(
      ctx.blob
        ? JSON.stringify({
            blobId: v.blobId,
            data: Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength).toString('base64'),
          })
        : JSON.stringify(v),
      0,
    ),
  encode: (ctx, v) =>
    Buffer.from(
      ctx.blob
        ? JSON.stringify({
            blobId: v.blobId,
            data: Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength).toString('base64'),
          })
        : JSON.stringify(v),
    ),
  decode: (ctx, bytes) => {
    const v = JSON.parse(bytes.toString());
    if (ctx.blob) v.data = Buffer.from(v.data, 'base64');
    return v;
  },
};

/** @type {Adapter} */
export const msgpackr = {
  id: 'msgpackr',
  kind: 'library',
  label: 'msgpackr (records)',
  how: 'new Packr({ structures: [] }): useBuffer(target) + pack(v, REUSE_BUFFER_MODE) / pack(v) / unpack(buf)',
  buffers: true,
  setup: () => {
    // Shared structures: the record definition is agreed once (as a connection would) instead of
    // being sent in every message, which is msgpackr's fastest and smallest configuration.
    const packr = new Packr({ useRecords: true, structures: [] });
    return { packr, REUSE_BUFFER_MODE };
  },
  encodeInto: (ctx, v, target) => {
    ctx.packr.useBuffer(target);
    const out = ctx.packr.pack(v, ctx.REUSE_BUFFER_MODE);
    return out.end - out.start;
  },
  encode: (ctx, v) => ctx.packr.pack(v),
  decode: (ctx, bytes) => ctx.packr.unpack(bytes),
};

const protoSchemas = {
  sensor: {
    fields: {
      sensor1: { type: 'float', id: 1 },
      sensor2: { type: 'float', id: 2 },
      sensor3: { type: 'float', id: 3 },
      sensor4: { type: 'float', id: 4 },
    },
  },
  status: { fields: { statusCode: { type: 'uint32', id: 1 }, message: { type: 'string', id: 2 } } },
  blob: { fields: { blobId: { type: 'uint32', id: 1 }, data: { type: 'bytes', id: 2 } } },
};

/** @type {Adapter} */
export const protobufjs = {
  id: 'protobufjs',
  kind: 'library',
  label: 'protobufjs',
  how: 'Type.encode(v, writer.reset()) into a reused Writer / Type.encode(v).finish() / Type.decode(buf)',
  buffers: true,
  setup: (scenario) => {
    const root = protobuf.Root.fromJSON({ nested: { M: protoSchemas[scenario.shape] } });
    const type = root.lookupType('M');
    return { type, writer: protobuf.Writer.create() };
  },
  // protobufjs cannot write into a caller's buffer; its equivalent is a reused Writer whose own
  // buffer holds the message afterwards (writer.buf.subarray(0, writer.pos)).
  encodeInto: (ctx, v) => {
    ctx.writer.reset();
    return ctx.type.encode(v, ctx.writer).pos;
  },
  encode: (ctx, v) => ctx.type.encode(v).finish(),
  decode: (ctx, bytes) => ctx.type.decode(bytes),
};

const avroSchemas = {
  sensor: {
    type: 'record',
    name: 'Sensor',
    fields: [
      { name: 'sensor1', type: 'float' },
      { name: 'sensor2', type: 'float' },
      { name: 'sensor3', type: 'float' },
      { name: 'sensor4', type: 'float' },
    ],
  },
  status: {
    type: 'record',
    name: 'Status',
    fields: [
      // Avro has no unsigned int: a long holds every u32.
      { name: 'statusCode', type: 'long' },
      { name: 'message', type: 'string' },
    ],
  },
  blob: {
    type: 'record',
    name: 'Blob',
    fields: [
      { name: 'blobId', type: 'long' },
      { name: 'data', type: 'bytes' },
    ],
  },
};

/** @type {Adapter} */
export const avsc = {
  id: 'avsc',
  kind: 'library',
  label: 'avsc',
  how: 'type.encode(v, buf, 0) / type.toBuffer(v) / type.fromBuffer(buf)',
  buffers: true,
  setup: (scenario) => ({ type: avro.Type.forSchema(avroSchemas[scenario.shape]) }),
  // avsc's bytes type only accepts Buffers.
  input: (v) =>
    v.data instanceof Uint8Array
      ? { ...v, data: Buffer.from(v.data.buffer, v.data.byteOffset, v.data.length) }
      : v,
  encodeInto: (ctx, v, target) => ctx.type.encode(v, target, 0),
  encode: (ctx, v) => ctx.type.toBuffer(v),
  decode: (ctx, bytes) => ctx.type.fromBuffer(bytes),
};

const require = createRequire(import.meta.url);

/** Installed version of a package, read from its package.json (found upwards from its entry). */
function versionOf(name) {
  let dir = dirname(require.resolve(name));
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name === name) return pkg.version;
    } catch {
      // no package.json at this level
    }
  }
  return 'unknown';
}

/** Versions of the libraries measured, for the results file. */
export const libraryVersions = {
  msgpackr: versionOf('msgpackr'),
  msgpackrNativeAcceleration: isNativeAccelerationEnabled,
  protobufjs: versionOf('protobufjs'),
  avsc: versionOf('avsc'),
};

/** The third-party libraries, in table order. */
export const libraries = [json, msgpackr, protobufjs, avsc];
