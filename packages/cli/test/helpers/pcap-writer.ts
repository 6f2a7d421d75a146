import { concat } from '@bp/test-kit/bytes';
/**
 * Writes a classic pcap file of TCP segments (Ethernet, IPv4, TCP), for feeding exact byte
 * streams, split exactly where a test wants, to tshark and to `bp decode`.
 */
export interface Segment {
  /** 0: client -> server, 1: server -> client. */
  readonly direction: 0 | 1;
  readonly payload: Uint8Array;
}

export function tcpPcap(segments: readonly Segment[], serverPort: number, clientPort = 40000): Uint8Array {
  const parts: Uint8Array[] = [];
  const header = new DataView(new ArrayBuffer(24));
  header.setUint32(0, 0xa1b2c3d4, true);
  header.setUint16(4, 2, true);
  header.setUint16(6, 4, true);
  header.setUint32(16, 262144, true);
  header.setUint32(20, 1, true);
  parts.push(new Uint8Array(header.buffer));
  const seq = [1000, 5000];
  segments.forEach((segment, i) => {
    const { direction, payload } = segment;
    const packet = new Uint8Array(14 + 20 + 20 + payload.length);
    const v = new DataView(packet.buffer);
    v.setUint16(12, 0x0800);
    v.setUint8(14, 0x45);
    v.setUint16(16, 40 + payload.length);
    v.setUint16(18, i & 0xffff);
    v.setUint8(22, 64);
    v.setUint8(23, 6);
    packet.set([127, 0, 0, 1, 127, 0, 0, 1], 26);
    v.setUint16(34, direction === 0 ? clientPort : serverPort);
    v.setUint16(36, direction === 0 ? serverPort : clientPort);
    v.setUint32(38, seq[direction]);
    v.setUint32(42, seq[1 - direction]);
    v.setUint8(46, 0x50);
    v.setUint8(47, 0x18);
    v.setUint16(48, 65535);
    packet.set(payload, 54);
    seq[direction] += payload.length;
    const record = new DataView(new ArrayBuffer(16));
    record.setUint32(0, i, true);
    record.setUint32(8, packet.length, true);
    record.setUint32(12, packet.length, true);
    parts.push(new Uint8Array(record.buffer), packet);
  });
  return concat(parts);
}
