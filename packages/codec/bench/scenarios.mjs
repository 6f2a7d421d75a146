// The messages the benchmark compares codecs on, and pools of distinct values for each. Values
// are generated from a fixed seed so every run (and every library) sees the same inputs.

/** Number of distinct values per scenario; the loops rotate through them (must be a power of two). */
export const POOL_SIZE = 16;

function prng(seed) {
  // mulberry32: small, fast and good enough to make inputs differ.
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ascii = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:-_/';
// Two- and three-byte UTF-8 characters that show up in real status text (units, accents, currency).
const nonAscii = 'éüñ°µ€–“”';

const flattener = { encoder: new TextEncoder(), decoder: new TextDecoder() };

/**
 * A string of exactly `length` UTF-16 code units. One value in four carries non-ASCII characters
 * (about one in eight characters), so codecs with an ASCII fast path still pay for their slow path.
 */
function text(random, length, withNonAscii) {
  let s = '';
  for (let i = 0; i < length; i++) {
    const pick = withNonAscii && random() < 0.125;
    const alphabet = pick ? nonAscii : ascii;
    s += alphabet[Math.floor(random() * alphabet.length)];
  }
  // Built by concatenation, `s` is a rope (a V8 ConsString); strings that arrive from the network or
  // JSON.parse are flat. Round-trip it through UTF-8 to get a flat one, so no codec is measured on
  // (or pays for flattening) an artifact of this generator.
  return flattener.decoder.decode(flattener.encoder.encode(s));
}

function sensorValues() {
  const random = prng(1);
  return Array.from({ length: POOL_SIZE }, () => ({
    // Math.fround: values an f32 field holds exactly, so every codec round-trips them bit for bit.
    sensor1: Math.fround(random() * 100 - 50),
    sensor2: Math.fround(random() * 1000),
    sensor3: Math.fround(random() * 2 - 1),
    sensor4: Math.fround(random() * 1e5),
  }));
}

function statusValues(length) {
  const random = prng(length);
  return Array.from({ length: POOL_SIZE }, (_, i) => ({
    statusCode: Math.floor(random() * 0xffffffff) >>> 0,
    message: text(random, length, i % 4 === 3),
  }));
}

function blobValues(size) {
  const random = prng(size);
  return Array.from({ length: POOL_SIZE }, () => {
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = Math.floor(random() * 256);
    return { blobId: Math.floor(random() * 0xffffffff) >>> 0, data };
  });
}

/**
 * @typedef {object} Scenario
 * @property {string} id         short name used in tables, JSON and --filter
 * @property {'sensor' | 'status' | 'blob'} shape  which schema the libraries use
 * @property {string} description
 * @property {() => object[]} values  POOL_SIZE distinct values
 * @property {(value: any) => number} consume  reads a decoded value into a number (isolated: no closures)
 * @property {string} field      the one (numeric) field the direct decode loop reads
 * @property {number} maxBytes   an upper bound on one encoded value in any library (sizes the targets)
 */

/** @type {Scenario[]} */
export const scenarios = [
  {
    id: 'SENSOR',
    shape: 'sensor',
    description: '4 x f32 { sensor1, sensor2, sensor3, sensor4 }',
    values: sensorValues,
    consume: (v) => v.sensor1 + v.sensor2 + v.sensor3 + v.sensor4,
    field: 'sensor1',
    maxBytes: 256,
  },
  {
    id: 'STATUS-24',
    shape: 'status',
    description: 'u32 + 24-char UTF-8 string { statusCode, message } (1 in 4 non-ASCII)',
    values: () => statusValues(24),
    consume: (v) => v.statusCode + v.message.length,
    field: 'statusCode',
    maxBytes: 512,
  },
  {
    id: 'STATUS-300',
    shape: 'status',
    description: 'u32 + 300-char UTF-8 string { statusCode, message } (1 in 4 non-ASCII)',
    values: () => statusValues(300),
    consume: (v) => v.statusCode + v.message.length,
    field: 'statusCode',
    maxBytes: 2048,
  },
  {
    id: 'BLOB-1K',
    shape: 'blob',
    description: 'u32 + 1 KiB bytes { blobId, data }',
    values: () => blobValues(1024),
    consume: (v) => v.blobId + v.data.length + v.data[7],
    field: 'blobId',
    maxBytes: 4096,
  },
  {
    id: 'BLOB-64K',
    shape: 'blob',
    description: 'u32 + 64 KiB bytes { blobId, data }',
    values: () => blobValues(65536),
    consume: (v) => v.blobId + v.data.length + v.data[7],
    field: 'blobId',
    maxBytes: 65536 * 2 + 1024,
  },
];
