// The near-the-limit reference: what a careful engineer writes by hand with DataView for exactly
// these layouts (bp's wire format, big-endian, u32 length prefixes), with nothing generic in the
// way. It checks what a real codec must (room in the target, length of the source) and no more:
// no range checks on values. Strings have bp's default semantics: lone surrogates are written as
// U+FFFD (as TextEncoder does) and malformed UTF-8 is read as U+FFFD (as TextDecoder and Buffer
// do). The targets of @bp/codec are ratios against it.
//
// Operations are isolated (see measure.mjs): they only use their parameters, the context and globals.

/** Strings up to this many UTF-16 units are written by a JavaScript loop, longer ones by TextEncoder. */
const SHORT_ENCODE = 64;
/** Strings up to this many bytes are read by a JavaScript loop, longer ones natively (measured crossover). */
const SHORT_DECODE = 12;

const SLAB_SIZE = 65536;

function setup() {
  const slab = new Uint8Array(SLAB_SIZE);
  return {
    SLAB_SIZE,
    slab,
    slabView: new DataView(slab.buffer),
    slabOffset: 0,
    newSlab: (ctx, need) => {
      ctx.slab = new Uint8Array(Math.max(ctx.SLAB_SIZE, need));
      ctx.slabView = new DataView(ctx.slab.buffer);
      ctx.slabOffset = 0;
      return 0;
    },
    SHORT_ENCODE,
    SHORT_DECODE,
    encoder: new TextEncoder(),
    decoder: new TextDecoder('utf-8', { ignoreBOM: true }),
    // One DataView per buffer, remembered for the last one seen: for encoding the target is
    // reused; for decoding, frames are views into one receive buffer, so the key is its ArrayBuffer.
    encodeTarget: undefined,
    encodeView: undefined,
    stringTarget: undefined,
    stringView: undefined,
    decodeBuffer: undefined,
    decodeView: undefined,
    writeString: (ctx, t, p, s) => {
      const n = s.length;
      if (n > ctx.SHORT_ENCODE) return ctx.encoder.encodeInto(s, t.subarray(p)).written;
      const start = p;
      for (let i = 0; i < n; i++) {
        let c = s.charCodeAt(i);
        if (c < 0x80) t[p++] = c;
        else if (c < 0x800) {
          t[p++] = 0xc0 | (c >> 6);
          t[p++] = 0x80 | (c & 0x3f);
        } else if (c >= 0xd800 && c < 0xdc00 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
          c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
          t[p++] = 0xf0 | (c >> 18);
          t[p++] = 0x80 | ((c >> 12) & 0x3f);
          t[p++] = 0x80 | ((c >> 6) & 0x3f);
          t[p++] = 0x80 | (c & 0x3f);
        } else {
          // A lone surrogate becomes U+FFFD, as TextEncoder (the long-string path) does.
          if ((c & 0xf800) === 0xd800) c = 0xfffd;
          t[p++] = 0xe0 | (c >> 12);
          t[p++] = 0x80 | ((c >> 6) & 0x3f);
          t[p++] = 0x80 | (c & 0x3f);
        }
      }
      return p - start;
    },
    // Strings are read leniently (malformed bytes become U+FFFD), as bp does by default: by a
    // JavaScript loop up to SHORT_DECODE bytes of ASCII, else by Node's Buffer#utf8Slice (what
    // avsc uses; no subarray to allocate) or, outside Node, TextDecoder.
    readString: (ctx, u8, p, end) => {
      if (end - p <= ctx.SHORT_DECODE) {
        let out = '';
        while (p < end) {
          const b = u8[p++];
          if (b >= 0x80) return out + ctx.decodeSlow(ctx, u8, p - 1, end);
          out += String.fromCharCode(b);
        }
        return out;
      }
      return ctx.decodeSlow(ctx, u8, p, end);
    },
    // Bound once: V8 calls a bound native function directly, where `.call` at the call site
    // takes the generic (slow) path into C++ (bench/FINDINGS.md finding 7).
    utf8Slice:
      globalThis.Buffer?.prototype?.utf8Slice === undefined
        ? undefined
        : Function.prototype.call.bind(globalThis.Buffer.prototype.utf8Slice),
    decodeSlow: (ctx, u8, p, end) =>
      ctx.utf8Slice !== undefined ? ctx.utf8Slice(u8, p, end) : ctx.decoder.decode(u8.subarray(p, end)),
  };
}

// One function per layout and operation, as a hand-written codec would have.
/** @type {import('./competitors.mjs').Adapter} */
export const handWritten = {
  id: 'hand-written',
  kind: 'reference',
  label: 'hand-written DataView',
  how: 'one function per layout: DataView get/set at constant offsets, JS UTF-8 loops for short strings, TextEncoder / Buffer#utf8Slice for long ones',
  setup,
  encodeInto: {
    sensor: (ctx, v, t) => {
      let dv = ctx.encodeView;
      if (ctx.encodeTarget !== t) {
        ctx.encodeTarget = t;
        dv = ctx.encodeView = new DataView(t.buffer, t.byteOffset, t.byteLength);
      }
      if (t.length < 16) throw new RangeError('target too small');
      dv.setFloat32(0, v.sensor1);
      dv.setFloat32(4, v.sensor2);
      dv.setFloat32(8, v.sensor3);
      dv.setFloat32(12, v.sensor4);
      return 16;
    },
    status: (ctx, v, t) => {
      let dv = ctx.encodeView;
      if (ctx.encodeTarget !== t) {
        ctx.encodeTarget = t;
        dv = ctx.encodeView = new DataView(t.buffer, t.byteOffset, t.byteLength);
      }
      const s = v.message;
      if (t.length < 8 + 3 * s.length) throw new RangeError('target too small');
      dv.setUint32(0, v.statusCode);
      // The string always starts at byte 8: keep the view TextEncoder.encodeInto needs for long ones.
      if (ctx.stringTarget !== t) {
        ctx.stringTarget = t;
        ctx.stringView = t.subarray(8);
      }
      const n =
        s.length > ctx.SHORT_ENCODE
          ? ctx.encoder.encodeInto(s, ctx.stringView).written
          : ctx.writeString(ctx, t, 8, s);
      dv.setUint32(4, n);
      return 8 + n;
    },
    blob: (ctx, v, t) => {
      let dv = ctx.encodeView;
      if (ctx.encodeTarget !== t) {
        ctx.encodeTarget = t;
        dv = ctx.encodeView = new DataView(t.buffer, t.byteOffset, t.byteLength);
      }
      const data = v.data;
      if (t.length < 8 + data.length) throw new RangeError('target too small');
      dv.setUint32(0, v.blobId);
      dv.setUint32(4, data.length);
      t.set(data, 8);
      return 8 + data.length;
    },
  },
  // Fresh buffers are exact-size views handed out from a 64 KiB slab, the way Buffer.allocUnsafe
  // and msgpackr do it: one off-heap allocation serves many messages (measured on Node 20: a new
  // 330-byte Uint8Array costs ~550 ns, most of it the off-heap allocation and its later
  // collection; a DataView over a new 16-byte one ~600 ns, because it moves the bytes off the
  // heap). Messages too big for a slab get their own array.
  encode: {
    sensor: (ctx, v) => {
      let p = ctx.slabOffset;
      if (p + 16 > ctx.slab.length) p = ctx.newSlab(ctx, 16);
      const dv = ctx.slabView;
      dv.setFloat32(p, v.sensor1);
      dv.setFloat32(p + 4, v.sensor2);
      dv.setFloat32(p + 8, v.sensor3);
      dv.setFloat32(p + 12, v.sensor4);
      ctx.slabOffset = p + 16;
      return ctx.slab.subarray(p, p + 16);
    },
    status: (ctx, v) => {
      const s = v.message;
      const max = 8 + 3 * s.length;
      let p = ctx.slabOffset;
      if (p + max > ctx.slab.length) p = ctx.newSlab(ctx, max);
      const slab = ctx.slab;
      const n =
        s.length > ctx.SHORT_ENCODE
          ? ctx.encoder.encodeInto(s, slab.subarray(p + 8)).written
          : ctx.writeString(ctx, slab, p + 8, s);
      const dv = ctx.slabView;
      dv.setUint32(p, v.statusCode);
      dv.setUint32(p + 4, n);
      ctx.slabOffset = (p + 8 + n + 7) & ~7;
      return slab.subarray(p, p + 8 + n);
    },
    blob: (ctx, v) => {
      const data = v.data;
      const n = data.length;
      if (8 + n > ctx.SLAB_SIZE / 4) {
        const out = new Uint8Array(8 + n);
        const id = v.blobId;
        out[0] = id >>> 24;
        out[1] = id >>> 16;
        out[2] = id >>> 8;
        out[3] = id;
        out[4] = n >>> 24;
        out[5] = n >>> 16;
        out[6] = n >>> 8;
        out[7] = n;
        out.set(data, 8);
        return out;
      }
      let p = ctx.slabOffset;
      if (p + 8 + n > ctx.slab.length) p = ctx.newSlab(ctx, 8 + n);
      const dv = ctx.slabView;
      dv.setUint32(p, v.blobId);
      dv.setUint32(p + 4, n);
      ctx.slab.set(data, p + 8);
      ctx.slabOffset = (p + 8 + n + 7) & ~7;
      return ctx.slab.subarray(p, p + 8 + n);
    },
  },
  decode: {
    sensor: (ctx, u8) => {
      let dv = ctx.decodeView;
      if (ctx.decodeBuffer !== u8.buffer) {
        ctx.decodeBuffer = u8.buffer;
        dv = ctx.decodeView = new DataView(u8.buffer);
      }
      if (u8.length < 16) throw new RangeError('truncated');
      const p = u8.byteOffset;
      return {
        sensor1: dv.getFloat32(p),
        sensor2: dv.getFloat32(p + 4),
        sensor3: dv.getFloat32(p + 8),
        sensor4: dv.getFloat32(p + 12),
      };
    },
    status: (ctx, u8) => {
      let dv = ctx.decodeView;
      if (ctx.decodeBuffer !== u8.buffer) {
        ctx.decodeBuffer = u8.buffer;
        dv = ctx.decodeView = new DataView(u8.buffer);
      }
      if (u8.length < 8) throw new RangeError('truncated');
      const p = u8.byteOffset;
      const n = dv.getUint32(p + 4);
      if (u8.length < 8 + n) throw new RangeError('truncated');
      return { statusCode: dv.getUint32(p), message: ctx.readString(ctx, u8, 8, 8 + n) };
    },
    blob: (ctx, u8) => {
      let dv = ctx.decodeView;
      if (ctx.decodeBuffer !== u8.buffer) {
        ctx.decodeBuffer = u8.buffer;
        dv = ctx.decodeView = new DataView(u8.buffer);
      }
      if (u8.length < 8) throw new RangeError('truncated');
      const p = u8.byteOffset;
      const n = dv.getUint32(p + 4);
      if (u8.length < 8 + n) throw new RangeError('truncated');
      // A view, not a copy, like bp's bytes() by default.
      return { blobId: dv.getUint32(p), data: u8.subarray(8, 8 + n) };
    },
  },
};
