/** Shapes shared by the closures engine's parts. */

/** Writes `v` at `p` and returns the position after it. Fixed-size writers trust their caller's bounds check. */
export type Writer = (v: any, t: Uint8Array, dv: DataView, p: number) => number;
/** Reads a value at `s.p` and advances it. Fixed-size readers trust their caller's bounds check. */
export type Reader = (s: ReadState) => unknown;

/**
 * Where a decode is: the source, a view over its whole ArrayBuffer with the source's byteOffset
 * `b` (so that frames sliced from one receive buffer share one view), the position in the source
 * and the end of the readable range.
 */
export interface ReadState {
  u8: Uint8Array;
  dv: DataView;
  b: number;
  p: number;
  end: number;
}
