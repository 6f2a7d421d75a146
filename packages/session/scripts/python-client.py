#!/usr/bin/env python3
"""A minimal bp client written from docs/PROTOCOL.md alone (standard library only), used by
test/interop-python.test.ts against a @bp/session server. It speaks the example protocol of
section 4 and prints one JSON line per observation.

Usage: python3 python-client.py PORT TOKEN
"""
import hashlib
import json
import socket
import struct
import sys
import time

HELLO, WELCOME, REJECT, MESSAGE, REQUEST, RESPONSE, ERROR, PING, PONG, GOODBYE, CANCEL = range(1, 12)
POSITION, GET, VALUE = 1, 2, 3


def field(name, prim):
    return {'name': name, 'schema': {'type': prim}}


SCHEMAS = {
    POSITION: {'type': 'struct', 'fields': [field('x', 'f32'), field('y', 'f32')]},
    GET: {'type': 'struct', 'fields': [field('key', 'u32')]},
    VALUE: {'type': 'struct', 'fields': [field('key', 'u32'), field('value', 'i32')]},
}


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode('utf-8')


def fingerprint():
    types = [{'schema': SCHEMAS[t], 'type': t} for t in sorted(SCHEMAS)]
    full = hashlib.sha256(canonical({'headerFormat': '>H', 'types': types})).digest()
    digests = [(t['type'], hashlib.sha256(canonical(t)).digest()[:8]) for t in types]
    return full, digests


def frame(kind, body):
    return struct.pack('>I', (kind << 28) | len(body)) + body


class Connection:
    def __init__(self, port):
        self.sock = socket.create_connection(('127.0.0.1', port), timeout=5)
        self.buf = b''
        self.pings = 0

    def send(self, kind, body):
        self.sock.sendall(frame(kind, body))

    def read_exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError('connection closed')
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_frame(self):
        """Returns the next frame that is not a PING (PINGs are answered here, section 12)."""
        while True:
            (h,) = struct.unpack('>I', self.read_exact(4))
            kind, length = h >> 28, h & 0x0FFFFFFF
            if length > 1 << 20:
                raise ValueError('payload-too-large')
            body = self.read_exact(length)
            if kind == PING:
                self.pings += 1
                self.send(PONG, body)
                continue
            return kind, body


def out(**fields):
    print(json.dumps(fields), flush=True)


def main():
    port, token = int(sys.argv[1]), sys.argv[2]
    conn = Connection(port)
    full, digests = fingerprint()
    tok = token.encode('utf-8')
    hello = b'BPWP' + struct.pack('>HHI', 1, 1, 1 << 20) + full + struct.pack('>H', len(tok)) + tok
    hello += struct.pack('>I', len(digests)) + b''.join(struct.pack('>I', t) + d for t, d in digests)
    conn.send(HELLO, hello)
    kind, body = conn.read_frame()
    if kind == REJECT:
        code, _, _, reason_len = struct.unpack('>HHHH', body[4:12])
        out(event='rejected', code=code, reason=body[12:12 + reason_len].decode('utf-8', 'replace'))
        return
    assert kind == WELCOME and body[:4] == b'BPWP', (kind, body)
    version, max_payload, heartbeat, max_in_flight = struct.unpack('>HIII', body[4:18])
    out(event='welcome', version=version, maxPayloadSize=max_payload, heartbeatInterval=heartbeat)

    # Two requests in flight at once; answers may come in any order.
    conn.send(REQUEST, struct.pack('>IHI', 1, GET, 42))
    conn.send(REQUEST, struct.pack('>IHI', 2, GET, 404))
    conn.send(MESSAGE, struct.pack('>Hff', POSITION, 1.5, -2.0))
    answers = {}
    while len(answers) < 2:
        kind, body = conn.read_frame()
        if kind == RESPONSE:
            request_id, msg_type, key, value = struct.unpack('>IHIi', body)
            answers[request_id] = {'type': msg_type, 'key': key, 'value': value}
        elif kind == ERROR:
            request_id, code = struct.unpack('>IH', body[:6])
            answers[request_id] = {'error': code, 'message': body[6:].decode('utf-8', 'replace')}
        elif kind == MESSAGE:
            (msg_type,) = struct.unpack('>H', body[:2])
            out(event='push', type=msg_type, body=body[2:].hex())
    out(event='answers', answers=answers)

    # Stay quiet long enough for the server to ping us (we answer in read_frame).
    deadline = time.time() + 0.6
    conn.sock.settimeout(0.05)
    while time.time() < deadline:
        try:
            conn.read_frame()
        except socket.timeout:
            pass
    conn.sock.settimeout(5)
    out(event='pinged', pings=conn.pings)

    conn.send(GOODBYE, struct.pack('>HI', 0, 1000))
    kind, body = conn.read_frame()
    code, deadline_ms = struct.unpack('>HI', body[:6])
    out(event='goodbye', kind=kind, code=code)
    try:
        conn.read_frame()
        out(event='after-goodbye', closed=False)
    except EOFError:
        out(event='after-goodbye', closed=True)


if __name__ == '__main__':
    main()
