/**
 * Live counters of the bp traffic of one connection, read at any time (they keep their final
 * values after the connection closed). Bytes are those of bp frames as the session received and
 * sent them: handshake, `PING`/`PONG`, `GOODBYE` and `ERROR` frames included; TLS records,
 * WebSocket framing and TCP/IP headers not.
 */
export interface ConnectionTraffic {
  /** Bytes received from the peer and handed to the session. */
  readonly bytesRead: number;
  /** Bytes the session sent and the transport handed to the socket. */
  readonly bytesWritten: number;
  /** Complete frames the session received, of every kind. */
  readonly framesRead: number;
  /** Frames the session handed to the transport, of every kind. */
  readonly framesWritten: number;
}

/** What a transport counts. */
export interface ByteCounts {
  readonly bytesRead: number;
  readonly bytesWritten: number;
}

/** What a session counts. */
export interface FrameCounts {
  readonly framesRead: number;
  readonly framesWritten: number;
}

/**
 * A connection's {@link ConnectionTraffic}, reading the transport's byte counts and the session's
 * frame counts when asked: nothing is copied per chunk or per frame. Both are attached once they
 * exist (a TLS connection has neither during its TLS handshake).
 */
export class TrafficCounters implements ConnectionTraffic {
  bytes: ByteCounts | undefined;
  frames: FrameCounts | undefined;

  get bytesRead(): number {
    return this.bytes?.bytesRead ?? 0;
  }

  get bytesWritten(): number {
    return this.bytes?.bytesWritten ?? 0;
  }

  get framesRead(): number {
    return this.frames?.framesRead ?? 0;
  }

  get framesWritten(): number {
    return this.frames?.framesWritten ?? 0;
  }
}
