import type { EncodedWriteResult } from '@bp/session/wire';

/** What one broadcast did on this server: how many members got the frame, and why others did not. */
export interface BroadcastResult {
  /** Members the frame was queued for, whose queue stayed below its high-water mark. */
  readonly sent: number;
  /**
   * Members the frame was queued for whose queue is now at or over its high-water mark (their
   * slow-consumer policy applies: `close` closes them, `backpressure` up to `maxBufferedBytes`).
   */
  readonly congested: number;
  /** Members skipped by a `volatile` broadcast because they were congested already. */
  readonly dropped: number;
  /** Members skipped because the payload exceeds their negotiated `maxPayloadSize`. */
  readonly tooLarge: number;
  /** Members skipped because they were not open (still in their handshake, closing or closed). */
  readonly notOpen: number;
  /** Members skipped because their protocol lacks the type (an older or newer schema, version 2). */
  readonly absent: number;
}

/** The counts of one broadcast, filled member by member. */
export class BroadcastTally implements BroadcastResult {
  sent = 0;
  congested = 0;
  dropped = 0;
  tooLarge = 0;
  notOpen = 0;
  absent = 0;

  add(result: EncodedWriteResult): void {
    switch (result) {
      case 'sent':
        this.sent++;
        return;
      case 'congested':
        this.congested++;
        return;
      case 'dropped':
        this.dropped++;
        return;
      case 'too-large':
        this.tooLarge++;
        return;
      case 'absent':
        this.absent++;
        return;
      default:
        this.notOpen++;
    }
  }
}
