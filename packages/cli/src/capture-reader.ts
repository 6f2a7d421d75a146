/**
 * A reader of pcap and pcapng capture files (what tcpdump, dumpcap and Wireshark write), small
 * enough to audit: it returns each packet's link type and bytes and nothing else. Capture files
 * are hostile input: every length is checked against the bytes present before it is used, and a
 * malformed file is a {@link CliError} `bad-capture`, never an exception of another kind.
 *
 * pcap: a 24-byte file header (magic 0xa1b2c3d4 or 0xa1b23c4d for nanoseconds, in either byte
 * order; the link type at offset 20), then 16-byte record headers (captured length at offset 8)
 * each followed by the packet. pcapng: blocks of `type, totalLength, body, totalLength`; the
 * section header (0x0a0d0d0a) gives the byte order, interface descriptions (1) the link types,
 * enhanced (6), simple (3) and obsolete (2) packet blocks the packets; other blocks are skipped.
 */
import { CliError } from './cli-error.js';

/** One captured packet. */
export interface CapturedPacket {
  /** 1-based position in the file, as Wireshark numbers frames. */
  readonly number: number;
  /** The LINKTYPE_* of the packet's interface (1 Ethernet, 113 Linux cooked, ...). */
  readonly linkType: number;
  readonly data: Uint8Array;
}

/** A read capture. */
export interface Capture {
  readonly format: 'pcap' | 'pcapng';
  readonly packets: readonly CapturedPacket[];
  /** True when the file ends inside a record (a capture that was cut off): the packets before it are kept. */
  readonly truncated: boolean;
}

function bad(message: string): never {
  throw new CliError('bad-capture', message);
}

/** True when `bytes` start like a pcap or pcapng file. */
export function isCapture(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = v.getUint32(0, true);
  return (
    le === 0x0a0d0d0a ||
    [0xa1b2c3d4, 0xa1b23c4d].includes(le) ||
    [0xa1b2c3d4, 0xa1b23c4d].includes(v.getUint32(0, false))
  );
}

function readPcap(bytes: Uint8Array, v: DataView): Capture {
  if (bytes.length < 24) bad(`a pcap file header is 24 bytes, the file has ${bytes.length}`);
  const little = [0xa1b2c3d4, 0xa1b23c4d].includes(v.getUint32(0, true));
  const linkType = v.getUint32(20, little) & 0x0fffffff;
  const packets: CapturedPacket[] = [];
  let at = 24;
  while (at < bytes.length) {
    if (bytes.length - at < 16) return { format: 'pcap', packets, truncated: true };
    const captured = v.getUint32(at + 8, little);
    if (captured > bytes.length - at - 16) return { format: 'pcap', packets, truncated: true };
    packets.push({ number: packets.length + 1, linkType, data: bytes.subarray(at + 16, at + 16 + captured) });
    at += 16 + captured;
  }
  return { format: 'pcap', packets, truncated: false };
}

function readPcapng(bytes: Uint8Array, v: DataView): Capture {
  const packets: CapturedPacket[] = [];
  let little = true;
  let interfaces: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 12) return { format: 'pcapng', packets, truncated: true };
    let type = v.getUint32(at, little);
    if (v.getUint32(at, true) === 0x0a0d0d0a) {
      // A section header: its byte-order magic decides how the whole section is read.
      type = 0x0a0d0d0a;
      const magic = v.getUint32(at + 8, true);
      if (magic === 0x1a2b3c4d) little = true;
      else if (magic === 0x4d3c2b1a) little = false;
      else bad(`pcapng section header at offset ${at} has byte-order magic 0x${magic.toString(16)}`);
      interfaces = [];
    }
    const length = v.getUint32(at + 4, little);
    if (length < 12 || length % 4 !== 0) bad(`pcapng block at offset ${at} has length ${length}`);
    if (length > bytes.length - at) return { format: 'pcapng', packets, truncated: true };
    const body = at + 8;
    const bodyEnd = at + length - 4;
    if (v.getUint32(bodyEnd, little) !== length) bad(`pcapng block at offset ${at}: trailing length differs`);
    const packet = (iface: number, start: number, captured: number): void => {
      if (captured > bodyEnd - start)
        bad(`pcapng packet block at offset ${at}: ${captured} captured bytes overrun the block`);
      const linkType = interfaces[iface];
      if (linkType === undefined)
        bad(`pcapng packet block at offset ${at} names interface ${iface}, which is not described`);
      packets.push({ number: packets.length + 1, linkType, data: bytes.subarray(start, start + captured) });
    };
    switch (type) {
      case 1:
        if (bodyEnd - body < 8) bad(`pcapng interface block at offset ${at} is too short`);
        interfaces.push(v.getUint16(body, little));
        break;
      case 6:
        if (bodyEnd - body < 20) bad(`pcapng packet block at offset ${at} is too short`);
        packet(v.getUint32(body, little), body + 20, v.getUint32(body + 12, little));
        break;
      case 2:
        if (bodyEnd - body < 20) bad(`pcapng packet block at offset ${at} is too short`);
        packet(v.getUint16(body, little), body + 20, v.getUint32(body + 12, little));
        break;
      case 3:
        if (bodyEnd - body < 4) bad(`pcapng simple packet block at offset ${at} is too short`);
        packet(0, body + 4, Math.min(v.getUint32(body, little), bodyEnd - body - 4));
        break;
      default:
        break;
    }
    at += length;
  }
  return { format: 'pcapng', packets, truncated: false };
}

/** Reads a pcap or pcapng file. Throws {@link CliError} `bad-capture` when it is neither or is malformed. */
export function readCapture(bytes: Uint8Array): Capture {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 4 && v.getUint32(0, true) === 0x0a0d0d0a) return readPcapng(bytes, v);
  if (isCapture(bytes)) return readPcap(bytes, v);
  bad('not a pcap or pcapng file (unknown magic number)');
}
