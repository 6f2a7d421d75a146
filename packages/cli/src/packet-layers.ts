/**
 * Finds the TCP segment in a captured packet: the link layers pcap files use for loopback and
 * Ethernet captures, IPv4 and IPv6. Anything else (other protocols, IP fragments, truncated
 * headers) is not a segment; nothing here throws.
 */

/** A TCP segment of a captured packet. */
export interface TcpSegment {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly syn: boolean;
  readonly payload: Uint8Array;
}

function ipv4Text(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

function ipv6Text(b: Uint8Array, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[at + i] << 8) | b[at + i + 1]).toString(16));
  return `[${groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}]`;
}

function tcp(b: Uint8Array, at: number, end: number, src: string, dst: string): TcpSegment | undefined {
  if (end - at < 20) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const offset = (b[at + 12] >> 4) * 4;
  if (offset < 20 || offset > end - at) return undefined;
  return {
    src,
    dst,
    srcPort: v.getUint16(at),
    dstPort: v.getUint16(at + 2),
    seq: v.getUint32(at + 4),
    syn: (b[at + 13] & 0x02) !== 0,
    payload: b.subarray(at + offset, end),
  };
}

function ip(b: Uint8Array, at: number): TcpSegment | undefined {
  if (b.length - at < 1) return undefined;
  const version = b[at] >> 4;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (version === 4) {
    if (b.length - at < 20) return undefined;
    const headerLength = (b[at] & 0x0f) * 4;
    const total = v.getUint16(at + 2);
    const fragment = v.getUint16(at + 6);
    if (b[at + 9] !== 6 || headerLength < 20 || (fragment & 0x3fff) !== 0) return undefined;
    const end = Math.min(b.length, at + Math.max(total, headerLength));
    if (at + headerLength > end) return undefined;
    return tcp(b, at + headerLength, end, ipv4Text(b, at + 12), ipv4Text(b, at + 16));
  }
  if (version === 6) {
    if (b.length - at < 40 || b[at + 6] !== 6) return undefined;
    const end = Math.min(b.length, at + 40 + v.getUint16(at + 4));
    return tcp(b, at + 40, end, ipv6Text(b, at + 8), ipv6Text(b, at + 24));
  }
  return undefined;
}

function ethertype(b: Uint8Array, type: number, at: number): TcpSegment | undefined {
  return type === 0x0800 || type === 0x86dd ? ip(b, at) : undefined;
}

/** The TCP segment in a packet of link type `linkType`, if it holds one. */
export function tcpSegmentOf(linkType: number, b: Uint8Array): TcpSegment | undefined {
  switch (linkType) {
    case 1: {
      // Ethernet, possibly with 802.1Q tags.
      let at = 12;
      while (b.length - at >= 2 && ((b[at] << 8) | b[at + 1]) === 0x8100) at += 4;
      if (b.length - at < 2) return undefined;
      return ethertype(b, (b[at] << 8) | b[at + 1], at + 2);
    }
    case 0:
    case 108:
      // BSD loopback: a 4-byte address family, then IP (the version nibble tells which).
      return ip(b, 4);
    case 12:
    case 14:
    case 101:
      return ip(b, 0);
    case 113:
      return b.length < 16 ? undefined : ethertype(b, (b[14] << 8) | b[15], 16);
    case 276:
      return b.length < 20 ? undefined : ethertype(b, (b[0] << 8) | b[1], 20);
    default:
      return undefined;
  }
}
