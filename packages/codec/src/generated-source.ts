/**
 * The source builder of the generated-code engine: the `Gen` that collects lines and the constants
 * they reference, and the small expression helpers shared by its encoders, decoders and skippers.
 */
import { readExpr } from './byte-reads.js';
import type { PrefixWidth } from './schema-node.js';

export const PREFIX_MAX = { 1: 0xff, 2: 0xffff, 4: 0xffffffff } as const;

/** The label of a fail-fast decoder's fast path (see {@link Gen.failFast}). */
export const FAIL_LABEL = 'F';

export class Gen {
  private n = 0;
  readonly consts: unknown[] = [];
  readonly lines: string[] = [];
  /** Bytes written/read since `p` was last advanced: positions are `p + k` with k known here. */
  k = 0;
  /**
   * Set while emitting a decoder that has a slow twin (the closures engine's decoder of the same
   * node): a failed check leaves the fast path with `break F` instead of building its error, and
   * the twin, run on the same input, throws that error with its exact path and offset. A throw
   * site costs 20 to 30 bytes of bytecode and a break 2, and V8 inlines a decoder only under 460.
   */
  failFast = false;
  /** `trustedInput()`: leave out the checks of primitive values (never the room checks). */
  constructor(readonly trusted = false) {}

  /** The statement for a failed check: `throw factory(args)`, or `break F` when {@link failFast}. */
  fail(factory: () => string, args: string): string {
    return this.failFast ? `break ${FAIL_LABEL};` : `throw ${factory()}(${args});`;
  }

  id(prefix: string): string {
    return `${prefix}${this.n++}`;
  }
  /** A reference to a value the generated code needs (error factory, map...). */
  c(value: unknown): string {
    this.consts.push(value);
    return `K[${this.consts.length - 1}]`;
  }
  emit(line: string): void {
    this.lines.push(line);
  }
  pos(extra = 0): string {
    const k = this.k + extra;
    return k === 0 ? 'p' : `(p + ${k})`;
  }
  flush(): void {
    if (this.k !== 0) {
      this.emit(`p += ${this.k};`);
      this.k = 0;
    }
  }
}

export const q = (s: string): string => JSON.stringify(s);

export function prefixWrite(width: PrefixWidth, at: string, n: string): string {
  return width === 4
    ? `dv.setUint32(${at}, ${n});`
    : width === 2
      ? `dv.setUint16(${at}, ${n});`
      : `t[${at}] = ${n};`;
}

export function prefixRead(width: PrefixWidth, at: string): string {
  return readExpr(width === 4 ? 'u32' : width === 2 ? 'u16' : 'u8', 's', at);
}
