// The near-the-limit reference: what a careful engineer writes by hand for exactly
// these layouts (bp's wire format, big-endian, u32 length prefixes), with nothing generic in the
// way. It checks what a real codec must (room in the target, length of the source) and no more:
// no range checks on values. Strings have bp's default semantics: lone surrogates are written as
// U+FFFD (as TextEncoder does) and malformed UTF-8 is read as U+FFFD (as TextDecoder and Buffer
// do). The targets of @bp/codec are ratios against it.
//
// Each layout is an object with the same three methods a bp codec has (`encodeInto(v, t, o)`,
// `encode(v)`, `decode(s, o)`), keeping its state (the last DataView, the slab) in closure
// variables, the way a hand-written module keeps it in module variables. The benchmark calls
// those methods directly from its loop, exactly as it calls bp's codecs (loops.mjs
// `compileDirectLoop`): no context object and no adapter between the loop and the call. Until
// issue 16 the reference ran behind `op(ctx, input)` with its state in `ctx`, which made it 2-3x
// slower than the same code called directly (FINDINGS.md, "The reference").

/**
 * Builds the three layouts' codecs. Must stay self-contained (no module variables): it is
 * re-created from its source for every scenario (see `handWrittenCodec`) so that each gets its own
 * type feedback, as separate modules in a program would.
 */
function makeHandWritten() {
  /** Strings up to this many UTF-16 units are written by a JavaScript loop, longer ones by TextEncoder. */
  const SHORT_ENCODE = 64;
  /** Strings up to this many bytes are read by a JavaScript loop, longer ones natively (measured crossover). */
  const SHORT_DECODE = 8;
  const SLAB_SIZE = 65536;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  // Bound once: V8 calls a bound native function directly, where `.call` at the call site takes
  // the generic (slow) path into C++ (bench/FINDINGS.md finding 7).
  const utf8Slice =
    globalThis.Buffer?.prototype?.utf8Slice === undefined
      ? undefined
      : Function.prototype.call.bind(globalThis.Buffer.prototype.utf8Slice);

  // Fresh buffers are exact-size views handed out from a 64 KiB slab, the way Buffer.allocUnsafe
  // and msgpackr do it: one off-heap allocation serves many messages (measured on Node 20: a new
  // 330-byte Uint8Array costs ~550 ns, most of it the off-heap allocation and its later
  // collection). Messages too big for a slab get their own array.
  let slab = new Uint8Array(SLAB_SIZE);
  let slabView = new DataView(slab.buffer);
  let slabOffset = 0;
  function newSlab(need) {
    slab = new Uint8Array(Math.max(SLAB_SIZE, need));
    slabView = new DataView(slab.buffer);
    slabOffset = 0;
    return 0;
  }

  function writeString(t, p, s) {
    const n = s.length;
    if (n > SHORT_ENCODE) return encoder.encodeInto(s, t.subarray(p)).written;
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
  }

  // Numbers are read by assembling the bytes (floats through a 4-byte scratch): measured faster
  // than a DataView, whose `u8.buffer` lookup and per-buffer view cost more than the reads
  // themselves (SENSOR decode 32 ns with a cached DataView, 16 ns this way; FINDINGS.md).
  const scratchU32 = new Uint32Array(1);
  const scratchF32 = new Float32Array(scratchU32.buffer);
  function readU32(u, p) {
    return ((u[p] << 24) | (u[p + 1] << 16) | (u[p + 2] << 8) | u[p + 3]) >>> 0;
  }
  function readF32(u, p) {
    scratchU32[0] = (u[p] << 24) | (u[p + 1] << 16) | (u[p + 2] << 8) | u[p + 3];
    return scratchF32[0];
  }

  function decodeSlow(u8, p, end) {
    return utf8Slice !== undefined ? utf8Slice(u8, p, end) : decoder.decode(u8.subarray(p, end));
  }

  // Strings are read leniently (malformed bytes become U+FFFD), as bp does by default: by a
  // JavaScript loop up to SHORT_DECODE bytes of ASCII, else by Node's Buffer#utf8Slice (what avsc
  // uses; no subarray to allocate) or, outside Node, TextDecoder.
  function readString(u8, p, end) {
    if (end - p <= SHORT_DECODE) {
      let out = '';
      while (p < end) {
        const b = u8[p++];
        if (b >= 0x80) return out + decodeSlow(u8, p - 1, end);
        out += String.fromCharCode(b);
      }
      return out;
    }
    return decodeSlow(u8, p, end);
  }

  // Encoding: one DataView per target, remembered for the last one seen (the target is reused).
  function sensor() {
    let encodeTarget;
    let encodeView;
    return {
      encodeInto(v, t, o) {
        if (encodeTarget !== t) {
          encodeTarget = t;
          encodeView = new DataView(t.buffer, t.byteOffset, t.byteLength);
        }
        if (o + 16 > t.length) throw new RangeError('target too small');
        const dv = encodeView;
        dv.setFloat32(o, v.sensor1);
        dv.setFloat32(o + 4, v.sensor2);
        dv.setFloat32(o + 8, v.sensor3);
        dv.setFloat32(o + 12, v.sensor4);
        return 16;
      },
      encode(v) {
        let p = slabOffset;
        if (p + 16 > slab.length) p = newSlab(16);
        const dv = slabView;
        dv.setFloat32(p, v.sensor1);
        dv.setFloat32(p + 4, v.sensor2);
        dv.setFloat32(p + 8, v.sensor3);
        dv.setFloat32(p + 12, v.sensor4);
        slabOffset = p + 16;
        return slab.subarray(p, p + 16);
      },
      decode(u8, o) {
        if (o + 16 > u8.length) throw new RangeError('truncated');
        return {
          sensor1: readF32(u8, o),
          sensor2: readF32(u8, o + 4),
          sensor3: readF32(u8, o + 8),
          sensor4: readF32(u8, o + 12),
        };
      },
    };
  }

  function status() {
    let encodeTarget;
    let encodeView;
    let stringTarget;
    let stringView;
    return {
      encodeInto(v, t, o) {
        if (encodeTarget !== t) {
          encodeTarget = t;
          encodeView = new DataView(t.buffer, t.byteOffset, t.byteLength);
        }
        const s = v.message;
        if (o + 8 + 3 * s.length > t.length) throw new RangeError('target too small');
        encodeView.setUint32(o, v.statusCode);
        let n;
        if (s.length > SHORT_ENCODE) {
          // Long strings go to TextEncoder, which needs a view starting where the string does:
          // keep it for the usual case of one target and offset.
          if (stringTarget !== t || stringView.byteOffset !== t.byteOffset + o + 8) {
            stringTarget = t;
            stringView = t.subarray(o + 8);
          }
          n = encoder.encodeInto(s, stringView).written;
        } else n = writeString(t, o + 8, s);
        encodeView.setUint32(o + 4, n);
        return 8 + n;
      },
      encode(v) {
        const s = v.message;
        const max = 8 + 3 * s.length;
        let p = slabOffset;
        if (p + max > slab.length) p = newSlab(max);
        const out = slab;
        const n =
          s.length > SHORT_ENCODE
            ? encoder.encodeInto(s, out.subarray(p + 8)).written
            : writeString(out, p + 8, s);
        const dv = slabView;
        dv.setUint32(p, v.statusCode);
        dv.setUint32(p + 4, n);
        slabOffset = (p + 8 + n + 7) & ~7;
        return out.subarray(p, p + 8 + n);
      },
      decode(u8, o) {
        if (o + 8 > u8.length) throw new RangeError('truncated');
        const n = readU32(u8, o + 4);
        if (o + 8 + n > u8.length) throw new RangeError('truncated');
        return { statusCode: readU32(u8, o), message: readString(u8, o + 8, o + 8 + n) };
      },
    };
  }

  function blob() {
    let encodeTarget;
    let encodeView;
    return {
      encodeInto(v, t, o) {
        if (encodeTarget !== t) {
          encodeTarget = t;
          encodeView = new DataView(t.buffer, t.byteOffset, t.byteLength);
        }
        const data = v.data;
        if (o + 8 + data.length > t.length) throw new RangeError('target too small');
        encodeView.setUint32(o, v.blobId);
        encodeView.setUint32(o + 4, data.length);
        t.set(data, o + 8);
        return 8 + data.length;
      },
      encode(v) {
        const data = v.data;
        const n = data.length;
        if (8 + n > SLAB_SIZE / 4) {
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
        let p = slabOffset;
        if (p + 8 + n > slab.length) p = newSlab(8 + n);
        slabView.setUint32(p, v.blobId);
        slabView.setUint32(p + 4, n);
        slab.set(data, p + 8);
        slabOffset = (p + 8 + n + 7) & ~7;
        return slab.subarray(p, p + 8 + n);
      },
      decode(u8, o) {
        if (o + 8 > u8.length) throw new RangeError('truncated');
        const n = readU32(u8, o + 4);
        if (o + 8 + n > u8.length) throw new RangeError('truncated');
        // A view, not a copy, like bp's bytes() by default.
        return { blobId: readU32(u8, o), data: u8.subarray(o + 8, o + 8 + n) };
      },
    };
  }

  return { sensor, status, blob };
}

let made = 0;

/**
 * A fresh hand-written codec for one layout ('sensor' | 'status' | 'blob'), compiled from source
 * so that it shares no type feedback with the codecs of other scenarios.
 */
export function handWrittenCodec(shape) {
  const factory = new Function(
    `'use strict'; return (${makeHandWritten.toString()})();\n//# hand-written-${++made}`,
  );
  return factory()[shape]();
}

/** @type {import('./competitors.mjs').Adapter} */
export const handWritten = {
  id: 'hand-written',
  kind: 'reference',
  label: 'hand-written',
  how: 'one object per layout with encodeInto/encode/decode, called directly from the loop: DataView set at constant offsets, numbers read by assembling bytes, JS UTF-8 loops for short strings, TextEncoder / Buffer#utf8Slice for long ones',
  direct: true,
  setup: (scenario) => ({ codec: handWrittenCodec(scenario.shape) }),
};
