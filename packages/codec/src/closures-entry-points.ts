/**
 * The closures engine's entry points around a compiled part: encodeInto, decode, decodeFrom and
 * decodeInto with their bounds, offset and budget checks, and the one read state they share.
 */
import type { IntoReader, Reader, ReadState, Sizer, Writer } from './closure-types.js';
import { encodeView, viewOf } from './data-view-cache.js';
import { checkDepth, type DecodeLimits, startBudget, truncatedError } from './decode-limits.js';
import type { CompiledCodec, DecodeResult } from './engine.js';
import { bufferTooSmall, decodeRangeError, encodeOffsetError, isOffset } from './range-errors.js';

const state: ReadState = { u8: new Uint8Array(0), p: 0, end: 0 };

// The entry points take their pieces as parameters instead of capturing `const`s: V8 checks a
// captured `const` for its temporal dead zone at every use, and those bytes count against the
// inlining budget of a caller that inlines decode, its struct reader and the field readers.
export function entryPoints(
  fixed: number | undefined,
  write: Writer,
  read: Reader,
  byteLength: Sizer,
  into: IntoReader | undefined,
  budgeted: boolean,
  depth: number,
): CompiledCodec {
  const encodeInto = (value: unknown, target: Uint8Array, offset = 0): number => {
    if (!isOffset(offset, target.length)) throw encodeOffsetError(target, offset);
    if (fixed !== undefined && offset + fixed > target.length)
      throw bufferTooSmall(fixed, target, offset, '');
    return write(value, target, viewOf(encodeView, target), offset) - offset;
  };

  const run = (
    source: Uint8Array,
    offset: number,
    end: number,
    limits: DecodeLimits | undefined,
  ): unknown => {
    if (fixed !== undefined && offset + fixed > end) throw truncatedError(fixed, end - offset, '', offset);
    if (budgeted) startBudget(limits, depth);
    else if (limits !== undefined) checkDepth(limits, depth);
    const s = state;
    s.u8 = source;
    s.p = offset;
    s.end = end;
    return read(s);
  };

  // run's set-up again rather than a call to it: one inlining level less for a caller's loop.
  const decode = (source: Uint8Array, offset = 0, limits?: DecodeLimits): unknown => {
    const end = source.length;
    if (!isOffset(offset, end)) throw decodeRangeError(source, offset, end);
    if (fixed !== undefined && offset + fixed > end) throw truncatedError(fixed, end - offset, '', offset);
    if (budgeted) startBudget(limits, depth);
    else if (limits !== undefined) checkDepth(limits, depth);
    const s = state;
    s.u8 = source;
    s.p = offset;
    s.end = end;
    return read(s);
  };

  const decodeFrom = (
    source: Uint8Array,
    offset: number,
    end: number,
    limits?: DecodeLimits,
  ): DecodeResult<unknown> => {
    if (!isOffset(end, source.length) || !isOffset(offset, end)) throw decodeRangeError(source, offset, end);
    const value = run(source, offset, end, limits);
    return { value, offset: state.p };
  };

  let decodeInto: CompiledCodec['decodeInto'];
  if (into !== undefined) {
    decodeInto = (source, offset, target) => {
      if (!isOffset(offset, source.length)) throw decodeRangeError(source, offset, source.length);
      if (offset + (fixed as number) > source.length) {
        throw truncatedError(fixed as number, source.length - offset, '', offset);
      }
      if (budgeted) startBudget(undefined, depth);
      const s = state;
      s.u8 = source;
      s.p = offset;
      s.end = source.length;
      return into(s, target);
    };
  }

  return { fixedSize: fixed, encodeInto, byteLength, decode, decodeFrom, decodeInto };
}
