#!/usr/bin/env python3
"""Writes vectors.json: encodings of @bp/codec values computed with Python's struct module.

They are an independent oracle for this package (test/vectors.test.ts checks both directions
against them) and a conformance suite for implementations in other languages.
Run: python3 packages/codec/test/generate-vectors.py > packages/codec/test/vectors.json
"""
import json
import math
import struct

vectors = []


def add(name, schema, value, data):
    vectors.append({"name": name, "schema": schema, "value": value, "hex": data.hex()})


def f(x):
    """A float as JSON: finite numbers plain, the rest as {"float": ...}."""
    if math.isnan(x):
        return {"float": "NaN"}
    if math.isinf(x):
        return {"float": "Infinity" if x > 0 else "-Infinity"}
    if x == 0 and math.copysign(1, x) < 0:
        return {"float": "-0"}
    return x


INTS = {
    "u8": ("B", [0, 1, 127, 128, 255]),
    "i8": ("b", [0, 1, -1, 127, -128]),
    "u16": ("H", [0, 1, 258, 65535]),
    "i16": ("h", [0, -1, 32767, -32768]),
    "u32": ("I", [0, 1, 200, 16909060, 4294967295]),
    "i32": ("i", [0, -1, 2147483647, -2147483648]),
}
for name, (code, values) in INTS.items():
    for v in values:
        add(f"{name} {v}", {"type": name}, v, struct.pack(">" + code, v))
        if name not in ("u8", "i8"):
            add(f"{name}le {v}", {"type": name + "le"}, v, struct.pack("<" + code, v))

BIGS = {
    "u64": ("Q", [0, 1, 2**53 + 1, 2**64 - 1]),
    "i64": ("q", [0, -1, 2**63 - 1, -(2**63)]),
}
for name, (code, values) in BIGS.items():
    for v in values:
        add(f"{name} {v}", {"type": name}, {"bigint": str(v)}, struct.pack(">" + code, v))
        add(f"{name}le {v}", {"type": name + "le"}, {"bigint": str(v)}, struct.pack("<" + code, v))

F32 = [0.0, -0.0, 1.5, -0.25, 3.4028234663852886e38, 1.401298464324817e-45, math.inf, -math.inf, math.nan]
F64 = [0.0, -0.0, 0.1, -1e300, 5e-324, 1.7976931348623157e308, math.inf, -math.inf, math.nan]
for name, code, values in (("f32", "f", F32), ("f64", "d", F64)):
    for v in values:
        add(f"{name} {v!r}", {"type": name}, f(v), struct.pack(">" + code, v))
        add(f"{name}le {v!r}", {"type": name + "le"}, f(v), struct.pack("<" + code, v))

for v in (False, True):
    add(f"bool {v}", {"type": "bool"}, v, struct.pack(">?", v))

STRINGS = ["", "ok", "héllo", "€", "\U0001F600", "a\u0000b", "\ufeffbom"]
for s in STRINGS:
    b = s.encode("utf-8")
    add(f"string {s!r}", {"type": "string", "lengthPrefix": "u32"}, s, struct.pack(">I", len(b)) + b)
    add(f"string u8 prefix {s!r}", {"type": "string", "lengthPrefix": "u8"}, s, struct.pack(">B", len(b)) + b)
    add(f"string u16 prefix {s!r}", {"type": "string", "lengthPrefix": "u16"}, s, struct.pack(">H", len(b)) + b)
for s in ["", "ok", "\U0001F600", "exactly8"]:
    add(f"string length 8 {s!r}", {"type": "string", "length": 8}, s, struct.pack(">8s", s.encode("utf-8")))

for b in [b"", b"\x00\x01\xff"]:
    add(f"bytes {b.hex()}", {"type": "bytes", "lengthPrefix": "u32"}, {"bytes": b.hex()}, struct.pack(">I", len(b)) + b)
add("bytes length 4", {"type": "bytes", "length": 4}, {"bytes": "01020304"}, struct.pack(">4s", b"\x01\x02\x03\x04"))

add("array of u16", {"type": "array", "item": {"type": "u16"}, "countPrefix": "u32"}, [1, 2, 65535],
    struct.pack(">IHHH", 3, 1, 2, 65535))
add("empty array", {"type": "array", "item": {"type": "u8"}, "countPrefix": "u32"}, [], struct.pack(">I", 0))
add("fixed array of i8", {"type": "array", "item": {"type": "i8"}, "length": 3}, [-1, 0, 1], struct.pack(">bbb", -1, 0, 1))
add("optional absent", {"type": "optional", "item": {"type": "u32"}}, None, b"\x00")
add("optional present", {"type": "optional", "item": {"type": "u32"}}, 7, b"\x01" + struct.pack(">I", 7))
add("enum", {"type": "enum", "repr": "u8", "values": [{"value": "buy", "wire": 0}, {"value": "sell", "wire": 1}]},
    "sell", b"\x01")

shape = {"type": "union", "tagKey": "kind", "repr": "u8", "variants": [
    {"tag": 9, "wire": 9, "schema": {"type": "struct", "fields": [{"name": "note", "schema": {"type": "string", "lengthPrefix": "u32"}}]}},
    {"tag": "circle", "wire": 0, "schema": {"type": "struct", "fields": [{"name": "r", "schema": {"type": "f32"}}]}},
]}
add("union, string tag", shape, {"kind": "circle", "r": 1.5}, struct.pack(">Bf", 0, 1.5))
add("union, numeric tag", shape, {"kind": 9, "note": "hi"}, struct.pack(">BI2s", 9, 2, b"hi"))

sensor = {"type": "struct", "fields": [{"name": f"sensor{i}", "schema": {"type": "f32"}} for i in range(1, 5)]}
add("SENSOR struct", sensor, {"sensor1": 1.5, "sensor2": 2.0, "sensor3": 3.0, "sensor4": 4.0},
    struct.pack(">ffff", 1.5, 2.0, 3.0, 4.0))
status = {"type": "struct", "fields": [
    {"name": "statusCode", "schema": {"type": "u32"}},
    {"name": "message", "schema": {"type": "string", "lengthPrefix": "u32"}},
]}
add("STATUS struct", status, {"statusCode": 200, "message": "ok"}, struct.pack(">II2s", 200, 2, b"ok"))

doc = {
    "about": "Test vectors for @bp/codec, computed with Python's struct module by generate-vectors.py. "
    "Each has a schema (the codec's describe() form), a value and its encoding in hex.",
    "valueEncoding": "JSON values, except: {\"float\": \"NaN\" | \"Infinity\" | \"-Infinity\" | \"-0\"} for "
    "non-finite or negative-zero floats, {\"bigint\": \"<decimal>\"} for u64/i64, {\"bytes\": \"<hex>\"} for "
    "bytes, null for an absent optional.",
    "vectors": vectors,
}
print(json.dumps(doc, indent=1, ensure_ascii=False))
