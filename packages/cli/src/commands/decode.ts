/** `bp decode`: decodes bp frames from hex, standard input or a capture, without Wireshark. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CaptureDecode, decodeCapture } from '../capture-decoder.js';
import { isCapture, readCapture } from '../capture-reader.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { decodeText, recordJson } from '../decode-output.js';
import type { ProtocolPlan } from '../field-plan.js';
import { FrameStream } from '../frame-stream.js';
import { looksLikeHexText, parseHex } from '../hex-input.js';
import { loadProtocol, planOf } from '../load-protocol.js';
import { type PythonWirePlan, pythonWirePlanOf } from '../python-wire-plan.js';
import { PythonWireStream } from '../python-wire-stream.js';

/** Decodes raw frame bytes (one stream, as in a hex dump). */
function decodeBytes(
  bytes: Uint8Array,
  plan: ProtocolPlan | undefined,
  wire: PythonWirePlan | undefined,
): CaptureDecode {
  const stream = wire === undefined ? new FrameStream({ plan }) : new PythonWireStream(wire);
  const records = stream
    .push(bytes)
    .map((frame) => ({ packet: undefined, stream: undefined, transport: 'bytes' as const, frame }));
  const notes =
    stream.pendingBytes > 0
      ? [`the input ends inside a ${wire ? 'message' : 'frame'} (${stream.pendingBytes} bytes of it)`]
      : [];
  return { records, notes };
}

export const decodeCommand: Command = {
  name: 'decode',
  summary: 'decode bp frames from hex, standard input or a pcap/pcapng capture',
  help: `Usage: bp decode [--protocol <module>] [--export NAME] [--hex STRING | --file capture.pcap | -] [--port N ...]
                 [--binary-protocol] [--json]

Decodes bp frames and messages like the Wireshark dissector of \`bp wireshark\`, with the same
field names and values, without Wireshark.

Input (one of):
  --hex STRING       frames as hex, e.g. "40 00 00 0a 00 01 3f c0 00 00 c0 00 00 00"
  --file FILE        a pcap or pcapng capture: TCP connections and WebSocket connections with
                     the bp.v1 / bp-flow.v1 subprotocols (TLS needs Wireshark and a key log)
  -                  standard input: a capture, hex text, or raw frame bytes

Options:
  --protocol MODULE  a JavaScript module exporting a Protocol or ProtocolConfig, to decode payloads
                     by field
  --export NAME      the export of MODULE to use (default: the only Protocol or ProtocolConfig)
  --port N           only connections on this TCP port (repeatable; default: all that look like bp)
  --binary-protocol  the input is the Python binary_protocol package's wire (what BinaryServer/
                     BinaryClient of @bp/transport-node speak), not bp frames; needs --protocol.
                     Fields as in the dissector's bpy protocol: bpy.msg.type, bpy.length,
                     bpy.checksum, bpy.<TypeName>.<field path>. In a capture: every TCP
                     connection (or those on --port)
  --json             print JSON (one array of frames) instead of text
  -h, --help         show this help
`,
  options: {
    protocol: { type: 'string' },
    export: { type: 'string' },
    hex: { type: 'string' },
    file: { type: 'string' },
    port: { type: 'string', multiple: true },
    'binary-protocol': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
  async run({ values, positionals }, io) {
    const stdin = positionals.length === 1 && positionals[0] === '-';
    if (positionals.length > (stdin ? 1 : 0))
      throw new CliError('usage', `unexpected argument ${JSON.stringify(positionals[0])}`);
    const inputs = [values.hex !== undefined, values.file !== undefined, stdin].filter(Boolean).length;
    if (inputs !== 1) throw new CliError('usage', 'give exactly one input: --hex STRING, --file FILE or -');
    if (values['binary-protocol'] === true && values.protocol === undefined) {
      throw new CliError(
        'usage',
        '--binary-protocol needs --protocol MODULE: the wire carries no lengths for fixed structures, so only the protocol can cut it into messages',
      );
    }
    const protocol =
      values.protocol === undefined
        ? undefined
        : (await loadProtocol(values.protocol as string, io.cwd, values.export as string | undefined))
            .protocol;
    const plan = protocol === undefined ? undefined : planOf(protocol);
    const wire =
      protocol !== undefined && values['binary-protocol'] === true
        ? pythonWirePlanOf(protocol, '--binary-protocol')
        : undefined;
    const ports = ((values.port as string[] | undefined) ?? []).map((p) => {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 1 || n > 65535)
        throw new CliError('usage', `--port ${JSON.stringify(p)} is not a TCP port`);
      return n;
    });
    let result: CaptureDecode;
    if (values.hex !== undefined) result = decodeBytes(parseHex(values.hex as string), plan, wire);
    else {
      let bytes: Uint8Array;
      if (stdin) bytes = await io.stdin();
      else {
        try {
          bytes = new Uint8Array(readFileSync(resolve(io.cwd, values.file as string)));
        } catch (error) {
          throw new CliError('bad-input', `cannot read ${values.file}: ${(error as Error).message}`, {
            cause: error,
          });
        }
      }
      if (isCapture(bytes)) result = decodeCapture(readCapture(bytes), { plan, ports, binaryProtocol: wire });
      else if (!stdin) throw new CliError('bad-capture', `${values.file} is not a pcap or pcapng file`);
      else
        result = decodeBytes(
          looksLikeHexText(bytes) ? parseHex(new TextDecoder().decode(bytes)) : bytes,
          plan,
          wire,
        );
    }
    if (values.json)
      io.stdout(
        `${JSON.stringify({ frames: result.records.map(recordJson), notes: result.notes }, null, 2)}\n`,
      );
    else io.stdout(decodeText(result));
    return result.records.some((r) => r.frame.problems.length > 0) ? 1 : 0;
  },
};
