/** Shapes shared by the closures engine's parts. */

/** Writes `v` at `p` and returns the position after it. Fixed-size writers trust their caller's bounds check. */
export type Writer = (v: any, t: Uint8Array, dv: DataView, p: number) => number;
/** Reads a value at `s.p` and advances it. Fixed-size readers trust their caller's bounds check. */
export type Reader = (s: ReadState) => unknown;

/**
 * Where a decode is: the source, the position in it and the end of the readable range. Numbers
 * are read from the bytes (byte-reads.ts), so no DataView is needed.
 */
export interface ReadState {
  u8: Uint8Array;
  p: number;
  end: number;
}

/** How many bytes a value takes (checking it on the way). */
export type Sizer = (v: any) => number;
/** Fixed-size structs and arrays: reads into an existing object or array and returns it. */
export type IntoReader = (s: ReadState, target: any) => unknown;
