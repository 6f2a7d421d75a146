// The timed loops of the benchmarks, compiled from source so that each case gets call sites of
// its own. Plain JavaScript with no Node built-ins: the Node suites (codec-suite.mjs,
// resolve-bench.mjs, icount.mjs) and the browser page (browser-page.mjs) time the same loops.

let compiled = 0;

/**
 * A source text no other `new Function` call has used. V8 caches `new Function`/eval compilations
 * by source text, feedback cell included, so two identical sources would share one feedback
 * vector again (seen with --trace-turbo-inlining: "FeedbackCell[many closures]").
 */
function unique(source) {
  return `${source}\n//# isolated-${++compiled}`;
}

/**
 * Re-creates a function from its source so that it gets its own SharedFunctionInfo and therefore
 * its own feedback vector. V8 shares feedback between closures made from the same function
 * literal, so without this one generic loop (or one generic adapter) used by eight libraries
 * would see eight receiver shapes, go megamorphic and stop inlining, which costs the fastest
 * codecs most and would hide the very differences we measure. The function may only use its
 * parameters and globals: closed-over variables are gone after the round trip through source.
 */
export function isolate(fn) {
  if (typeof fn !== 'function') throw new TypeError('isolate() needs a function');
  const source = fn.toString();
  if (!/^(async\s+)?(\(|[A-Za-z_$][\w$]*\s*=>|function\b)/.test(source)) {
    throw new TypeError(
      `isolate() needs an arrow function or a function expression, got: ${source.slice(0, 60)}`,
    );
  }
  return new Function(unique(`'use strict'; return (${source});`))();
}

const loopBodies = {
  // Bytes written are the checksum; the writes into `target` are side effects the JIT must keep.
  encodeInto: 'for (let i = 0; i < n; i++) { sum += op(ctx, inputs[i & mask], target); }',
  // Fresh buffers and decoded values are stored in `sink` (as a caller would keep them): without
  // that, escape analysis can inline the whole operation and never allocate the result, which
  // would flatter exactly the codecs that are small enough to inline.
  encode:
    'for (let i = 0; i < n; i++) { const bytes = op(ctx, inputs[i & mask]); sink[i & mask] = bytes; sum += bytes.length + bytes[0]; }',
  // The scenario's consume() reads the decoded fields (strings by length, bytes by length and a byte).
  decode:
    'for (let i = 0; i < n; i++) { const value = op(ctx, inputs[i & mask]); sink[i & mask] = value; sum += consume(value); }',
};

/**
 * Builds the timed loop for one case. Each call compiles a new loop function, so its call site
 * `op(...)` only ever sees one target and is inlined.
 * @param {'encodeInto' | 'encode' | 'decode'} kind
 * @param {{ op: Function, consume?: Function, ctx: unknown, inputs: unknown[], target?: Uint8Array }} parts
 * @returns {(n: number) => number} runs n operations and returns their checksum
 */
export function compileLoop(kind, { op, consume, ctx, inputs, target }) {
  const body = loopBodies[kind];
  if (body === undefined) throw new Error(`unknown operation ${kind}`);
  if ((inputs.length & (inputs.length - 1)) !== 0) throw new Error('input pool size must be a power of two');
  const factory = new Function(
    'op',
    'consume',
    'ctx',
    'inputs',
    'target',
    unique(`'use strict';
     const mask = inputs.length - 1;
     const sink = new Array(inputs.length).fill(null);
     return function loop(n) { let sum = 0; ${body} return sum; };`),
  );
  return factory(isolate(op), consume === undefined ? undefined : isolate(consume), ctx, inputs, target);
}

const directBodies = {
  encodeInto: 'for (let i = 0; i < n; i++) { sum += codec.encodeInto(inputs[i & mask], target, 0); }',
  encode:
    'for (let i = 0; i < n; i++) { const bytes = codec.encode(inputs[i & mask]); ring[i & mask] = bytes; sum += bytes.length; }',
  decode:
    'for (let i = 0; i < n; i++) { const value = codec.decode(inputs[i & mask], 0); ring[i & mask] = value; sum += value.FIELD; }',
};

/**
 * Builds the timed loop for one case in the shape a user's own code has: the codec's method
 * called directly (`codec.decode(bytes, 0)`), no context object and no adapter function between
 * the loop and the call, the result kept in a 16-slot ring as a caller keeps what it decodes, one
 * field of it read. The hand-written reference and bp's codecs are measured this way, so that the
 * ratio between them is the ratio a user sees. Each call compiles a new loop with a unique source,
 * so every call site in it sees only one codec.
 * @param {'encodeInto' | 'encode' | 'decode'} kind
 * @param {{ codec: { encodeInto: Function, encode: Function, decode: Function }, inputs: unknown[],
 *   target?: Uint8Array, field?: string }} parts  `field`: the decoded value's field that is read
 * @returns {(n: number) => number} runs n operations and returns their checksum
 */
export function compileDirectLoop(kind, { codec, inputs, target, field }) {
  const body = directBodies[kind];
  if (body === undefined) throw new Error(`unknown operation ${kind}`);
  if ((inputs.length & (inputs.length - 1)) !== 0) throw new Error('input pool size must be a power of two');
  if (kind === 'decode' && !/^[A-Za-z_$][\w$]*$/.test(field ?? '')) throw new Error(`bad field ${field}`);
  const factory = new Function(
    'codec',
    'inputs',
    'target',
    unique(`'use strict';
     const mask = inputs.length - 1;
     const ring = new Array(inputs.length).fill(null);
     return function loop(n) { let sum = 0; ${body.replace('FIELD', field ?? '')} return sum; };`),
  );
  return factory(codec, inputs, target);
}
