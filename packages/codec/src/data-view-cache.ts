/**
 * One DataView per buffer, remembered for the last buffer seen: encoding into the same buffer
 * again and again, the common case, then allocates nothing. The slot keeps the last buffer alive
 * until another one is used. (Decoders read the bytes directly, byte-reads.ts: no slot.)
 */
export interface ViewSlot {
  /** The Uint8Array (encode) or ArrayBuffer (decode) the view belongs to. */
  u8: Uint8Array | ArrayBufferLike | undefined;
  view: DataView;
  /** The previous one (encode only): `encode()` writes through a scratch buffer, and a program
   * that mixes it with `encodeInto(own buffer)` must not make a new view on every call. */
  u8b: Uint8Array | ArrayBufferLike | undefined;
  viewb: DataView;
}

const EMPTY = /* @__PURE__ */ new DataView(new ArrayBuffer(0));

export const encodeView: ViewSlot = { u8: undefined, view: EMPTY, u8b: undefined, viewb: EMPTY };

/** The DataView for `u8`, created when it is not the slot's last buffer. */
export function viewOf(slot: ViewSlot, u8: Uint8Array): DataView {
  if (slot.u8 === u8) return slot.view;
  if (slot.u8b === u8) return slot.viewb;
  slot.u8b = slot.u8;
  slot.viewb = slot.view;
  slot.u8 = u8;
  slot.view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  return slot.view;
}
