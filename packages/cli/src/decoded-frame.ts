/** What `bp decode` reports for one frame (and what the dissector shows for it). */

/** One field: its filter name, the text tshark shows for it, and the decoded value. */
export interface DecodedField {
  readonly name: string;
  readonly show: string;
  readonly value: unknown;
}

/** Something wrong with a frame, named by the expert info the dissector raises for it. */
export interface Problem {
  /** The expert info's filter name, e.g. `bp.expert.decode_error`. */
  readonly expert: string;
  readonly message: string;
}

/** A decoded message of a MESSAGE, REQUEST or RESPONSE frame. */
export interface DecodedMessage {
  readonly type: number;
  readonly typeName: string | undefined;
  /** The payload's value; undefined when the payload did not decode (see the frame's problems). */
  readonly value: unknown;
}

/** One frame, or a run of bytes that is not one (`kind` undefined). */
export interface DecodedFrame {
  readonly kind: number | undefined;
  readonly kindName: string;
  /** Body length from the header; for bytes that are not a frame, their count. */
  readonly length: number;
  readonly fields: readonly DecodedField[];
  readonly problems: readonly Problem[];
  readonly message?: DecodedMessage;
}
