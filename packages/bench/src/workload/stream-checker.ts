import {
  type BlobValue,
  type Fixed4Value,
  isBlobValue,
  isFixed4Value,
  isSensorValue,
  type MessageName,
  type Messages,
  type SensorValue,
  type StreamReport,
} from './messages.js';

/**
 * The server side of a one-way stream on one connection: checks every message against the
 * value its position in the stream implies, and counts messages, errors and payload bytes until
 * the client asks for a report.
 */
export class StreamChecker {
  private readonly next: Record<MessageName, number> = { sensor: 0, fixed4: 0, blob: 0 };
  private received = 0;
  private errors = 0;
  private bytes = 0;

  /**
   * Checks and counts one message. `index` is its position in the stream when the transport
   * does not keep order (HTTP requests spread over a pool); otherwise arrival order is the
   * position. `bytes` is its size on this transport when known.
   */
  accept<M extends MessageName>(name: M, value: Messages[M], bytes = 0, index?: number): void {
    const i = index ?? this.next[name]++;
    let ok: boolean;
    if (name === 'sensor') ok = isSensorValue(value as SensorValue, i);
    else if (name === 'fixed4') ok = isFixed4Value(value as Fixed4Value, i);
    else ok = isBlobValue(value as BlobValue);
    this.received++;
    this.bytes += bytes;
    if (!ok) this.errors++;
  }

  /** Counts since the last report; restarts the counts and the expected stream positions. */
  report(): StreamReport {
    const report = { received: this.received, errors: this.errors, bytes: this.bytes };
    this.received = 0;
    this.errors = 0;
    this.bytes = 0;
    this.next.sensor = 0;
    this.next.fixed4 = 0;
    this.next.blob = 0;
    return report;
  }
}
