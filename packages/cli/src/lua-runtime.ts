/**
 * The fixed part of the generated dissector: the frame layer (PROTOCOL.md section 4), TCP
 * reassembly, WebSocket messages, and the walker of the message plans that lua-dissector.ts
 * generates. It mirrors frame-decoder.ts, frame-stream.ts and payload-decoder.ts step by step, so
 * `bp decode` and Wireshark agree; change them together. Every fault raises an expert info; a Lua
 * error never reaches Wireshark (each frame runs under pcall).
 */
export const LUA_RUNTIME = `
local STOP = {}
local function stop(expert, msg) error({ [STOP] = true, expert = expert, msg = msg }, 0) end

local function read_int(r, le, signed)
  if signed then
    if le then return r:le_int() else return r:int() end
  end
  if le then return r:le_uint() else return r:uint() end
end

-- The message layer: walks a plan node, adding its fields under tree. st.decode_error is the
-- expert info of a payload fault (bp's, or the binary_protocol wire's in its own protocol).
local walk
local function need(st, n, what)
  if n > st.e - st.at then
    stop(st.decode_error, string.format("%s needs %d bytes at payload offset %d, only %d left", what, n, st.at - st.s, st.e - st.at))
  end
end

walk = function(st, node, tree)
  local k = node.k
  if k == "prim" then
    need(st, node.size, node.name)
    local r = st.tvb(st.at, node.size)
    if node.bool then
      local b = r:uint()
      if b > 1 then stop(st.decode_error, string.format("%s: bool byte %d is not 0 or 1", node.name, b)) end
    end
    if node.le then tree:add_le(node.f, r) else tree:add(node.f, r) end
    st.at = st.at + node.size
  elseif k == "text" then
    local len = node.len
    if len == nil then
      need(st, node.prefix, node.name)
      len = st.tvb(st.at, node.prefix):uint()
      st.at = st.at + node.prefix
    end
    need(st, len, node.name)
    local r = st.tvb(st.at, len)
    if node.bytes then tree:add(node.f, r) else tree:add_packet_field(node.f, r, ENC_UTF_8) end
    st.at = st.at + len
  elseif k == "array" then
    local start = st.at
    local sub = tree:add(st.tvb(st.at, 0), node.label)
    local n = node.len
    if node.count then
      need(st, 4, node.count_name)
      local r = st.tvb(st.at, 4)
      n = r:uint()
      sub:add(node.count, r)
      st.at = st.at + 4
    end
    sub:append_text(string.format(" [%d]", n))
    for _ = 1, n do
      st.elements = st.elements + 1
      if st.elements > MAX_ELEMENTS then
        stop(st.decode_error, string.format("more than %d elements in one payload (the protocol's maxElements)", MAX_ELEMENTS))
      end
      walk(st, node.item, sub)
    end
    sub:set_len(st.at - start)
  elseif k == "opt" then
    need(st, 1, node.label .. " presence")
    local r = st.tvb(st.at, 1)
    local flag = r:uint()
    st.at = st.at + 1
    if flag == 0 then
      tree:add(r, node.label .. ": absent")
    elseif flag ~= 1 then
      stop(st.decode_error, string.format("%s: optional flag %d is not 0 or 1", node.label, flag))
    else
      walk(st, node.item, tree)
    end
  elseif k == "struct" then
    local start = st.at
    local sub = tree:add(st.tvb(st.at, 0), node.label)
    for _, field in ipairs(node.fields) do walk(st, field, sub) end
    sub:set_len(st.at - start)
  elseif k == "enum" or k == "union" then
    need(st, node.size, node.name)
    local r = st.tvb(st.at, node.size)
    local wire = read_int(r, node.le, node.signed)
    local entry = node.names[wire]
    if entry == nil then
      stop(st.decode_error, string.format("%s: %d is no %s value", node.name, wire, k))
    end
    st.at = st.at + node.size
    if k == "enum" then
      tree:add(node.f, r, entry)
    else
      tree:add(node.f, r, entry.tag)
      walk(st, entry.node, tree)
    end
  end
end

-- The frame layer.
local function frame_need(fw, n, what)
  if n > fw.e - fw.at then stop(E.malformed, what .. " overruns the frame") end
end
local function f_uint(fw, field, size, label)
  frame_need(fw, size, label)
  local r = fw.tvb(fw.at, size)
  local v = r:uint()
  fw.tree:add(field, r)
  fw.at = fw.at + size
  return v
end
local function f_raw(fw, field, size, label)
  frame_need(fw, size, label)
  fw.tree:add(field, fw.tvb(fw.at, size))
  fw.at = fw.at + size
end
local function f_text(fw, field, size, label)
  frame_need(fw, size, label)
  fw.tree:add_packet_field(field, fw.tvb(fw.at, size), ENC_UTF_8)
  fw.at = fw.at + size
end
local function f_magic(fw, field)
  frame_need(fw, 4, "Magic")
  local r = fw.tvb(fw.at, 4)
  fw.tree:add(field, r, r:raw())
  fw.at = fw.at + 4
  if r:uint() ~= 0x42505750 then fw.item:add_proto_expert_info(E.bad_magic, "magic is " .. r:raw() .. ", not BPWP") end
end
local function f_extension(fw)
  if fw.at < fw.e then fw.tree:add(F.extension, fw.tvb(fw.at, fw.e - fw.at)) end
end
local function check_length(fw, name, length, min, max)
  if length < min then stop(E.malformed, string.format("%s body is %d bytes, at least %d", name, length, min)) end
  if length > max then fw.item:add_proto_expert_info(E.too_large, string.format("%s body is %d bytes, at most %d", name, length, max)) end
end
local function exactly4(name, length)
  if length ~= 4 then stop(E.malformed, string.format("%s body is %d bytes, exactly 4", name, length)) end
end

-- Version 2 and 3 bodies (PROTOCOL.md 4.1, 4.2, 4.3, 4.11, 20), as frame-decoder.ts reads them.
local function f_u8(fw, what)
  frame_need(fw, 1, what)
  local v = fw.tvb(fw.at, 1):uint()
  fw.at = fw.at + 1
  return v
end
local function f_u16(fw, what)
  frame_need(fw, 2, what)
  local v = fw.tvb(fw.at, 2):uint()
  fw.at = fw.at + 2
  return v
end
local function hello_extensions(fw)
  while fw.at < fw.e do
    if fw.e - fw.at < 4 then stop(E.malformed, "HELLO extension header overruns the frame") end
    f_uint(fw, F.hello_extension_tag, 2, "Extension")
    local n = f_uint(fw, F.hello_extension_length, 2, "Extension length")
    if n > 0 then f_raw(fw, F.hello_extension_value, n, "Extension value") end
  end
end
local function absent_types(fw)
  if fw.at == fw.e then return end
  local count = f_uint(fw, F.welcome_absent_count, 4, "Absent types")
  if count > (fw.e - fw.at) / 4 then stop(E.malformed, "WELCOME absent types overrun the frame") end
  for _ = 1, count do f_uint(fw, F.welcome_absent_type, 4, "Absent type") end
  f_extension(fw)
end
local function schema_issues(fw)
  if fw.at == fw.e then return end
  local count = f_uint(fw, F.reject_issue_count, 2, "Schema issues")
  if count > (fw.e - fw.at) / 7 then stop(E.malformed, "REJECT schema issues overrun the frame") end
  for _ = 1, count do
    f_uint(fw, F.reject_issue_type, 4, "Type")
    f_text(fw, F.reject_issue_rule, f_u8(fw, "Rule length"), "Rule")
    f_text(fw, F.reject_issue_path, f_u16(fw, "Path length"), "Path")
  end
  f_extension(fw)
end
local function schema_frame(fw)
  local phase = f_uint(fw, F.schema_phase, 1, "Phase")
  local count = f_uint(fw, F.schema_count, 4, "Types")
  if phase == 1 then
    fw.info = "SCHEMA request"
    if count == 0 or count ~= (fw.e - fw.at) / 4 then stop(E.malformed, "SCHEMA request type list does not fill the frame") end
    for _ = 1, count do f_uint(fw, F.schema_type, 4, "Type") end
    return
  end
  if phase ~= 2 then stop(E.malformed, string.format("SCHEMA phase %d is unknown", phase)) end
  fw.info = "SCHEMA descriptors"
  if count > (fw.e - fw.at) / 8 then stop(E.malformed, "SCHEMA descriptors overrun the frame") end
  for _ = 1, count do
    f_uint(fw, F.schema_type, 4, "Type")
    local n = f_uint(fw, F.schema_descriptor_length, 4, "Descriptor length")
    frame_need(fw, n, "Descriptor")
    local r = fw.tvb(fw.at, n)
    local text
    if n > DESCRIPTOR_SHOWN then
      text = fw.tvb(fw.at, DESCRIPTOR_SHOWN):string(ENC_UTF_8) .. "..."
    elseif n > 0 then
      text = r:string(ENC_UTF_8)
    else
      text = ""
    end
    fw.tree:add(F.schema_descriptor, r, text)
    fw.at = fw.at + n
  end
  if fw.at ~= fw.e then stop(E.malformed, string.format("%d bytes left after the SCHEMA descriptors", fw.e - fw.at)) end
end
local function metadata_frame(fw)
  local id = f_uint(fw, F.request_id, 4, "Request id")
  local count = f_uint(fw, F.metadata_count, 1, "Entries")
  fw.info = "METADATA #" .. id
  if count == 0 then stop(E.malformed, "METADATA has no entries") end
  for _ = 1, count do
    local kn = f_u8(fw, "Key length")
    frame_need(fw, kn, "Key")
    local key = kn > 0 and fw.tvb(fw.at, kn):string(ENC_UTF_8) or ""
    f_text(fw, F.metadata_key, kn, "Key")
    local vn = f_u16(fw, "Value length")
    if key == "authorization" or key:sub(-5) == "token" then
      frame_need(fw, vn, "Value")
      fw.tree:add(F.metadata_value, fw.tvb(fw.at, vn), string.rep("*", vn))
      fw.at = fw.at + vn
    else
      f_text(fw, F.metadata_value, vn, "Value")
    end
  end
  if fw.at ~= fw.e then stop(E.malformed, string.format("%d bytes left after the METADATA entries", fw.e - fw.at)) end
end

local function message(fw, with_id, name, length)
  local id_size = with_id and 4 or 0
  check_length(fw, name, length, id_size + HEADER_SIZE, id_size + HEADER_SIZE + MAX_PAYLOAD)
  local id
  if with_id then id = f_uint(fw, F.request_id, 4, "Request id") end
  local r = fw.tvb(fw.at, HEADER_SIZE)
  local type = read_int(r, HEADER_LE, HEADER_SIGNED)
  if HEADER_LE then fw.tree:add_le(F.msg_type, r) else fw.tree:add(F.msg_type, r) end
  fw.at = fw.at + HEADER_SIZE
  local plan = TYPES[type]
  local label = plan and plan.name or ("type " .. type)
  fw.info = name .. (id and (" #" .. id) or "") .. " " .. label
  fw.item:append_text(", " .. fw.info)
  if plan == nil then
    fw.item:add_proto_expert_info(E.unknown_type, string.format("message type %d is not part of the protocol", type))
    fw.tree:add(F.payload, fw.tvb(fw.at, fw.e - fw.at))
    return
  end
  local st = { tvb = fw.tvb, at = fw.at, s = fw.at, e = fw.e, elements = 0, decode_error = E.decode_error }
  walk(st, plan.root, fw.tree)
  if st.at ~= fw.e then
    stop(E.decode_error, string.format("%d bytes left after the %s payload", fw.e - st.at, plan.name))
  end
end

local function frame_body(fw, kind, length, subprotocol)
  local name = KIND_NAMES[kind]
  if kind == 1 then
    check_length(fw, "HELLO", length, HELLO_MIN, HANDSHAKE_LIMIT)
    f_magic(fw, F.hello_magic)
    f_uint(fw, F.hello_min_version, 2, "Min version")
    local max_version = f_uint(fw, F.hello_max_version, 2, "Max version")
    f_uint(fw, F.hello_max_payload, 4, "Max payload size")
    f_raw(fw, F.hello_fingerprint, 32, "Schema fingerprint")
    local n = f_uint(fw, F.hello_token_length, 2, "Token length")
    frame_need(fw, n, "HELLO token")
    if n > 0 then fw.tree:add(F.hello_token, fw.tvb(fw.at, n), string.rep("*", n)) end
    fw.at = fw.at + n
    local count = f_uint(fw, F.hello_type_count, 4, "Type digests")
    if count > (fw.e - fw.at) / 12 then stop(E.malformed, "HELLO type digests overrun the frame") end
    for _ = 1, count do
      f_uint(fw, F.hello_digest_type, 4, "Type")
      f_raw(fw, F.hello_digest, 8, "Digest")
    end
    if max_version >= 2 then hello_extensions(fw) else f_extension(fw) end
  elseif kind == 2 then
    check_length(fw, "WELCOME", length, WELCOME_MIN, CONTROL_LIMIT)
    f_magic(fw, F.welcome_magic)
    local version = f_uint(fw, F.welcome_version, 2, "Version")
    f_uint(fw, F.welcome_max_payload, 4, "Max payload size")
    f_uint(fw, F.welcome_heartbeat, 4, "Heartbeat interval")
    f_uint(fw, F.welcome_max_in_flight, 4, "Max requests in flight")
    if version >= 2 then absent_types(fw) else f_extension(fw) end
  elseif kind == 3 then
    check_length(fw, "REJECT", length, REJECT_MIN, HANDSHAKE_LIMIT)
    f_magic(fw, F.reject_magic)
    local code = f_uint(fw, F.reject_code, 2, "Code")
    fw.info = "REJECT " .. (ERROR_NAMES[code] or code)
    f_uint(fw, F.reject_min_version, 2, "Server min version")
    local max_version = f_uint(fw, F.reject_max_version, 2, "Server max version")
    local n = f_uint(fw, F.reject_reason_length, 2, "Reason length")
    f_text(fw, F.reject_reason, n, "Reason")
    local count = f_uint(fw, F.reject_detail_count, 4, "Mismatch details")
    if count > (fw.e - fw.at) / 5 then stop(E.malformed, "REJECT details overrun the frame") end
    for _ = 1, count do
      f_uint(fw, F.reject_detail_type, 4, "Type")
      f_uint(fw, F.reject_detail_status, 1, "Status")
    end
    if max_version >= 2 then schema_issues(fw) else f_extension(fw) end
  elseif kind == 4 then
    message(fw, false, "MESSAGE", length)
  elseif kind == 5 then
    message(fw, true, "REQUEST", length)
  elseif kind == 6 then
    message(fw, true, "RESPONSE", length)
  elseif kind == 7 then
    check_length(fw, "ERROR", length, ERROR_MIN, CONTROL_LIMIT)
    local id = f_uint(fw, F.request_id, 4, "Request id")
    local code = f_uint(fw, F.error_code, 2, "Code")
    fw.info = "ERROR #" .. id .. " " .. (ERROR_NAMES[code] or code)
    f_text(fw, F.error_message, fw.e - fw.at, "Message")
  elseif kind == 8 or kind == 9 then
    exactly4(name, length)
    f_uint(fw, F.nonce, 4, "Nonce")
  elseif kind == 10 then
    check_length(fw, "GOODBYE", length, GOODBYE_MIN, CONTROL_LIMIT)
    f_uint(fw, F.goodbye_code, 2, "Code")
    f_uint(fw, F.goodbye_deadline, 4, "Drain deadline")
    f_text(fw, F.goodbye_reason, fw.e - fw.at, "Reason")
  elseif kind == 11 then
    exactly4(name, length)
    f_uint(fw, F.request_id, 4, "Request id")
  elseif kind == 12 then
    check_length(fw, "METADATA", length, METADATA_MIN, CONTROL_LIMIT)
    metadata_frame(fw)
  elseif kind == 13 then
    check_length(fw, "SCHEMA", length, SCHEMA_MIN, HANDSHAKE_LIMIT)
    schema_frame(fw)
  elseif kind == 15 then
    exactly4(name, length)
    f_uint(fw, F.credit, 4, "Credit")
    if subprotocol ~= "bp-flow.v1" then stop(E.malformed, "CREDIT is only legal inside the WebSocket subprotocol bp-flow.v1") end
  else
    stop(E.malformed, string.format("frame kind %d is reserved", kind))
  end
end

local last_packet = -1
local function set_info(pinfo, text)
  if last_packet ~= pinfo.number then
    last_packet = pinfo.number
    pinfo.cols.info:set(text)
  else
    pinfo.cols.info:append(", " .. text)
  end
end

local function dissect_frame(tvb, pinfo, tree, subprotocol)
  local item = tree:add(bp, tvb())
  local h = tvb(0, 4):uint()
  local kind = math.floor(h / 0x10000000)
  local length = h % 0x10000000
  item:add(F.kind, tvb(0, 1), kind)
  item:add(F.length, tvb(0, 4), length)
  local name = KIND_NAMES[kind] or ("reserved kind " .. kind)
  item:append_text(": " .. name)
  local fw = { tvb = tvb, at = 4, e = tvb:len(), tree = item, item = item, info = name }
  local ok, err = pcall(frame_body, fw, kind, length, subprotocol)
  if not ok then
    if type(err) == "table" and err[STOP] then
      item:add_proto_expert_info(err.expert, err.msg)
    else
      item:add_proto_expert_info(E.malformed, "dissector error: " .. tostring(err))
    end
  end
  set_info(pinfo, fw.info)
end

local function not_bp(range, pinfo, tree, msg)
  local item = tree:add(bp, range)
  item:append_text(" (not a bp frame)")
  item:add_proto_expert_info(E.not_bp, msg)
  set_info(pinfo, "not bp")
end

-- Cuts a TCP stream (reassembling across segments) or one WebSocket message into frames.
local function dissect_stream(tvb, pinfo, tree, subprotocol)
  pinfo.cols.protocol = "bp"
  local len = tvb:len()
  local at = 0
  while at < len do
    local left = len - at
    if left < 4 then
      if subprotocol then
        not_bp(tvb(at, left), pinfo, tree, string.format("%d bytes left at the end of a WebSocket message", left))
        return len
      end
      pinfo.desegment_offset = at
      pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
      return len
    end
    local h = tvb(at, 4):uint()
    local kind = math.floor(h / 0x10000000)
    local length = h % 0x10000000
    if KIND_NAMES[kind] == nil then
      not_bp(tvb(at, left), pinfo, tree, string.format("frame kind %d is reserved", kind))
      return len
    end
    if length > FRAME_LIMIT then
      not_bp(tvb(at, left), pinfo, tree, string.format("a frame of %d body bytes is above every limit (%d)", length, FRAME_LIMIT))
      return len
    end
    if left < 4 + length then
      if subprotocol then
        not_bp(tvb(at, left), pinfo, tree, string.format("a frame of %d body bytes continues past the end of its WebSocket message", length))
        return len
      end
      pinfo.desegment_offset = at
      pinfo.desegment_len = 4 + length - left
      return len
    end
    dissect_frame(tvb(at, 4 + length):tvb(), pinfo, tree, subprotocol)
    at = at + 4 + length
  end
  return at
end

function bp.dissector(tvb, pinfo, tree)
  return dissect_stream(tvb, pinfo, tree, nil)
end

-- WebSocket: one dissector per subprotocol, so CREDIT frames are judged by the one negotiated.
local bp_ws = Proto("bp_ws", "bp over WebSocket (bp.v1)")
function bp_ws.dissector(tvb, pinfo, tree) return dissect_stream(tvb, pinfo, tree, "bp.v1") end
local bp_ws_flow = Proto("bp_ws_flow", "bp over WebSocket (bp-flow.v1)")
function bp_ws_flow.dissector(tvb, pinfo, tree) return dissect_stream(tvb, pinfo, tree, "bp-flow.v1") end

-- A connection whose first frame is a HELLO/WELCOME/REJECT with the magic is bp, on any port.
local function heuristic(tvb, pinfo, tree)
  if tvb:len() < 8 then return false end
  local kind = tvb(0, 1):uint()
  if (kind ~= 0x10 and kind ~= 0x20 and kind ~= 0x30) or tvb(4, 4):uint() ~= 0x42505750 then return false end
  pinfo.conversation = bp
  dissect_stream(tvb, pinfo, tree, nil)
  return true
end

local function register()
  local tcp = DissectorTable.get("tcp.port")
  tcp:add_for_decode_as(bp)
  for _, port in ipairs(TCP_PORTS) do tcp:add(port, bp) end
  local tls_ok, tls = pcall(Dissector.get, "tls")
  for _, port in ipairs(TLS_PORTS) do
    if tls_ok and tls then tcp:add(port, tls) end
    DissectorTable.get("tls.port"):add(port, bp)
  end
  pcall(function() DissectorTable.get("tls.port"):add_for_decode_as(bp) end)
  pcall(function() DissectorTable.get("tls.alpn"):add("bp/1", bp) end)
  -- "http-over-tcp" is HTTP's TCP dissector (4.0+); "http" the one of older versions.
  local http_ok, http = pcall(Dissector.get, "http-over-tcp")
  if not (http_ok and http) then http_ok, http = pcall(Dissector.get, "http") end
  for _, port in ipairs(WS_PORTS) do
    if http_ok and http then tcp:add(port, http) end
  end
  pcall(function()
    local ws = DissectorTable.get("ws.protocol")
    ws:add("bp.v1", bp_ws)
    ws:add("bp-flow.v1", bp_ws_flow)
  end)
  bp:register_heuristic("tcp", heuristic)
  pcall(function() bp:register_heuristic("tls", heuristic) end)
end
register()
`;
