/**
 * One DataView per buffer, remembered for the last buffer seen. Encoding into (or decoding from)
 * the same buffer again and again, the common case, then allocates nothing. Encode targets and
 * decode sources get separate slots so that a loop alternating the two does not thrash. The slot
 * keeps the last buffer alive until another one is used.
 */
export interface ViewSlot {
  u8: Uint8Array | undefined;
  view: DataView;
}

const EMPTY = /* @__PURE__ */ new DataView(new ArrayBuffer(0));

export const encodeView: ViewSlot = { u8: undefined, view: EMPTY };
export const decodeView: ViewSlot = { u8: undefined, view: EMPTY };

/** The DataView for `u8`, created when it is not the slot's last buffer. */
export function viewOf(slot: ViewSlot, u8: Uint8Array): DataView {
  if (slot.u8 !== u8) {
    slot.u8 = u8;
    slot.view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  }
  return slot.view;
}
