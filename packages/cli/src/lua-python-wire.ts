/**
 * The part of the generated dissector for the Python `binary_protocol` package's wire (what
 * `BinaryServer`/`BinaryClient` of `@bp/transport-node` speak), as its own protocol `bpy`: the
 * type header by enum name, the `>I` payload length iff the structure is variable, the payload
 * field by field (`bpy.<TypeName>.<field path>`), the checksum trailer, NOT_FOUND. It is appended
 * after the runtime of lua-runtime.ts (it uses its `walk`, `read_int`, `set_info`, `STOP`) and
 * mirrors python-wire-stream.ts step by step; change them together. The wire has no handshake, so
 * it is found only on the ports given (and through Decode As), never by a heuristic.
 */
import { primFieldType } from './field-plan.js';
import { luaNode, luaString, protoField, snake } from './lua-source.js';
import { PY_EXPERTS, PY_FIELDS, type PythonWirePlan } from './python-wire-plan.js';

const PY_RUNTIME = `
local function py_bad(range, pinfo, tree, expert_field, msg)
  local item = tree:add(bpy, range)
  item:append_text(" (not a message of the protocol)")
  item:add_proto_expert_info(expert_field, msg)
  set_info(pinfo, "not a binary_protocol message")
end

local function py_message(tvb, pinfo, tree, at, size, mtype, plan)
  local item = tree:add(bpy, tvb(at, size))
  local r = tvb(at, PY_HEADER_SIZE)
  if HEADER_LE then item:add_le(PF.type, r) else item:add(PF.type, r) end
  local name
  if plan == nil then
    if mtype == PY_NOT_FOUND then
      name = "NOT_FOUND"
    else
      name = "type " .. mtype
      item:add_proto_expert_info(PE.unknown_type, string.format("message type %d is not part of the protocol (read as the header alone, as the package does)", mtype))
    end
  else
    name = plan.name
    local s = at + PY_HEADER_SIZE
    if plan.lp then
      item:add(PF.length, tvb(s, 4))
      s = s + 4
    end
    local e = at + size - PY_CHECKSUM
    local st = { tvb = tvb, at = s, s = s, e = e, elements = 0, decode_error = PE.decode_error }
    local ok, err = pcall(walk, st, plan.root, item)
    if ok and st.at ~= e then
      ok, err = false, { [STOP] = true, expert = PE.decode_error, msg = string.format("%d bytes left after the %s payload", e - st.at, plan.name) }
    end
    if not ok then
      if type(err) == "table" and err[STOP] then
        item:add_proto_expert_info(err.expert, plan.name .. ": " .. err.msg)
      else
        item:add_proto_expert_info(PE.malformed, "dissector error: " .. tostring(err))
      end
    end
    if PY_CHECKSUM > 0 then item:add(PF.checksum, tvb(e, PY_CHECKSUM)) end
  end
  item:append_text(": " .. name)
  set_info(pinfo, name)
end

-- Cuts a TCP stream (reassembling across segments) or one UDP datagram into messages, framed by
-- each type's structure as the package reads them.
local function py_stream(tvb, pinfo, tree, datagram)
  pinfo.cols.protocol = "bpy"
  local len = tvb:len()
  local at = 0
  local function wait(more)
    if datagram then
      py_bad(tvb(at, len - at), pinfo, tree, PE.malformed, "the datagram ends inside a message")
      return len
    end
    pinfo.desegment_offset = at
    pinfo.desegment_len = more
    return len
  end
  while at < len do
    local left = len - at
    if left < PY_HEADER_SIZE then return wait(DESEGMENT_ONE_MORE_SEGMENT) end
    local mtype = read_int(tvb(at, PY_HEADER_SIZE), HEADER_LE, HEADER_SIGNED)
    local plan = PTYPES[mtype]
    local size
    if plan == nil then
      size = PY_HEADER_SIZE
    elseif plan.lp then
      if left < PY_HEADER_SIZE + 4 then return wait(DESEGMENT_ONE_MORE_SEGMENT) end
      local n = tvb(at + PY_HEADER_SIZE, 4):uint()
      if n > MAX_PAYLOAD then
        py_bad(tvb(at, left), pinfo, tree, PE.too_large, string.format("%s: a payload length of %d bytes is above maxPayloadSize %d", plan.name, n, MAX_PAYLOAD))
        return len
      end
      size = PY_HEADER_SIZE + 4 + n + PY_CHECKSUM
    elseif plan.fixed == nil then
      py_bad(tvb(at, left), pinfo, tree, PE.malformed, plan.name .. " has no fixed size and no length on this wire: it cannot be framed")
      return len
    else
      size = PY_HEADER_SIZE + plan.fixed + PY_CHECKSUM
    end
    if left < size then return wait(size - left) end
    py_message(tvb, pinfo, tree, at, size, mtype, plan)
    at = at + size
  end
  return at
end

function bpy.dissector(tvb, pinfo, tree) return py_stream(tvb, pinfo, tree, false) end
local bpy_udp = Proto("bpy_udp", "Python binary_protocol wire over UDP (bp)")
function bpy_udp.dissector(tvb, pinfo, tree) return py_stream(tvb, pinfo, tree, true) end

do
  local tcp = DissectorTable.get("tcp.port")
  local udp = DissectorTable.get("udp.port")
  tcp:add_for_decode_as(bpy)
  udp:add_for_decode_as(bpy_udp)
  for _, port in ipairs(PY_PORTS) do
    tcp:add(port, bpy)
    udp:add(port, bpy_udp)
  end
end
`;

/** The Lua source of the `bpy` protocol for `wire`, registered on `ports` (TCP and UDP). */
export function generatePythonWireLua(wire: PythonWirePlan, ports: readonly number[]): string {
  const { plan } = wire;
  const names = new Map(plan.types.map((t) => [t.type, t.name]));
  if (!names.has(wire.notFoundType)) names.set(wire.notFoundType, 'NOT_FOUND');
  const lines = [
    '',
    "-- The Python binary_protocol package's wire (BinaryServer/BinaryClient of @bp/transport-node),",
    '-- its own protocol: filter bpy. Fields: bpy.msg.type, bpy.length (variable structures only),',
    '-- bpy.checksum, bpy.<TypeName>.<field path>. Found on the ports given and by Decode As... > bpy.',
    'local bpy = Proto("bpy", "Python binary_protocol wire (bp)")',
    `local PY_HEADER_SIZE = ${plan.headerSize}`,
    `local PY_NOT_FOUND = ${wire.notFoundType}`,
    `local PY_CHECKSUM = ${wire.checksumSize}`,
    `local PY_PORTS = { ${ports.join(', ')} }`,
    'local PF = {}',
    `PF.type = ${protoField({ ...PY_FIELDS.type, type: primFieldType(plan.headerPrim), valueNames: names })}`,
    `PF.length = ${protoField(PY_FIELDS.length)}`,
    `PF.checksum = ${protoField(PY_FIELDS.checksum)}`,
    'local PM = {}',
  ];
  const index = new Map<string, number>();
  plan.fields.forEach((field, i) => {
    index.set(field.abbrev, i + 1);
    lines.push(`PM[${i + 1}] = ${protoField(field)}`);
  });
  lines.push('local PE = {}');
  for (const [key, e] of Object.entries(PY_EXPERTS)) {
    lines.push(
      `PE.${snake(key)} = ProtoExpert.new(${luaString(e.abbrev)}, ${luaString(e.text)}, expert.group.${e.group.slice(3)}, expert.severity.${e.severity.slice(3)})`,
    );
  }
  lines.push(
    'do',
    '  local fields = {}',
    '  for _, f in pairs(PF) do fields[#fields + 1] = f end',
    '  for _, f in ipairs(PM) do fields[#fields + 1] = f end',
    '  bpy.fields = fields',
    '  local experts = {}',
    '  for _, e in pairs(PE) do experts[#experts + 1] = e end',
    '  bpy.experts = experts',
    'end',
    'local PTYPES = {}',
  );
  for (const t of wire.wireTypes) {
    lines.push(
      `PTYPES[${t.type}] = { name = ${luaString(t.name)}, lp = ${t.lengthPrefixed}, fixed = ${t.fixedSize ?? 'nil'}, root = ${luaNode(t.root, index, 1, 'PM')} }`,
    );
  }
  lines.push(PY_RUNTIME);
  return lines.join('\n');
}
