/** `bp wireshark`: writes a Wireshark Lua dissector for a protocol module. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { loadProtocol, planOf } from '../load-protocol.js';
import { generateDissector } from '../lua-dissector.js';
import { hasPythonWire, pythonWirePlanOf } from '../python-wire-plan.js';

function ports(values: unknown, option: string): number[] {
  return ((values as string[] | undefined) ?? []).map((text) => {
    const port = Number(text);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new CliError('usage', `--${option} ${JSON.stringify(text)} is not a port (1..65535)`);
    }
    return port;
  });
}

export const wiresharkCommand: Command = {
  name: 'wireshark',
  summary: 'generate a Wireshark Lua dissector for a Protocol or ProtocolConfig',
  help: `Usage: bp wireshark <module> [--export NAME] [--out bp.lua] [--port N ...] [--tls-port N ...] [--ws-port N ...]

Writes a Wireshark dissector (Lua) for the Protocol or ProtocolConfig exported by <module>: every
frame kind and control-frame field, the message type by name, and each payload field by name and
type.
Filter with bp.kind, bp.length, bp.request_id, bp.msg.type and bp.<TypeName>.<field path>, e.g.
  tshark -X lua_script:bp.lua -r cap.pcapng -Y 'bp.msg.type == "SENSOR_DATA" && bp.SENSOR_DATA.sensor1 > 20'

Options:
  <module>           a JavaScript module (path or package name) exporting a Protocol or
                     ProtocolConfig
  --export NAME      the export to use (default: the default export, or the only Protocol or
                     ProtocolConfig)
  --out FILE         where to write the dissector (default: bp.lua; "-" for standard output)
  --port N           a TCP port that carries bp (repeatable; any other port: Decode As... > bp)
  --tls-port N       a TCP port that carries bp inside TLS (repeatable); Wireshark decrypts it
                     given the key log: -o tls.keylog_file:keys.log
  --ws-port N        an HTTP port whose WebSocket upgrades carry bp (bp.v1, bp-flow.v1; repeatable)
  --binary-protocol-port N
                     a TCP or UDP port that carries the Python binary_protocol package's wire
                     (BinaryServer/BinaryClient of @bp/transport-node; repeatable). The dissector
                     shows it as its own protocol, bpy: bpy.msg.type, bpy.length, bpy.checksum,
                     bpy.<TypeName>.<field path>. It has no handshake, so it is found only on these
                     ports or with Decode As... > bpy
  -h, --help         show this help

Connections that start with a HELLO are found on any port without options; the binary_protocol
wire only on --binary-protocol-port ports (or Decode As).
`,
  options: {
    export: { type: 'string' },
    out: { type: 'string', default: 'bp.lua' },
    port: { type: 'string', multiple: true },
    'tls-port': { type: 'string', multiple: true },
    'ws-port': { type: 'string', multiple: true },
    'binary-protocol-port': { type: 'string', multiple: true },
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new CliError('usage', 'give exactly one protocol module');
    const loaded = await loadProtocol(positionals[0], io.cwd, values.export as string | undefined);
    const lua = generateDissector(planOf(loaded.protocol), {
      ports: ports(values.port, 'port'),
      tlsPorts: ports(values['tls-port'], 'tls-port'),
      webSocketPorts: ports(values['ws-port'], 'ws-port'),
      // A Protocol has no Python wire to dissect: its dissector leaves that part out unless a
      // --binary-protocol-port asks for it (then the error says why it cannot be).
      binaryProtocol:
        hasPythonWire(loaded.protocol) || values['binary-protocol-port'] !== undefined
          ? {
              wire: pythonWirePlanOf(loaded.protocol, '--binary-protocol-port'),
              ports: ports(values['binary-protocol-port'], 'binary-protocol-port'),
            }
          : undefined,
      source: `${positionals[0]} (export ${loaded.exportName})`,
    });
    const out = values.out as string;
    if (out === '-') io.stdout(lua);
    else {
      writeFileSync(resolve(io.cwd, out), lua);
      io.stderr(`wrote ${out}\n`);
    }
    return 0;
  },
};
