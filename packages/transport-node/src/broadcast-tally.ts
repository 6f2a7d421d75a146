import type { BroadcastResult } from '@bp/session';
import type { EncodedWriteResult } from '@bp/session/wire';

/** What one broadcast did on this server (its home is `@bp/session`, where interceptors see it too). */
export type { BroadcastResult };

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
