#!/usr/bin/env python3
"""A bp client over TLS written with Python's ssl module alone, for test/tls-soak.test.ts (issue 15,
finding 8: an independent Python client saw its TLS connection end mid-session after a KV push).

It runs many short sessions, reusing the TLS session of the previous one on the same thread, and
checks every frame the server sends against the bytes the test expects, in order: WELCOME, the
WATCH reply, then for a SET and a DEL the KV_CHANGED push followed by the reply, then GOODBYE and
a clean end of the TLS stream (close_notify; a TCP close without it is reported as 'ragged-eof').

Usage: python3 tls_soak_client.py PLAN.json   (prints one JSON summary line)
"""
import json
import socket
import ssl
import struct
import sys
import threading
import time

WELCOME, PING, PONG, GOODBYE = 2, 8, 9, 10
KINDS = {1: 'HELLO', 2: 'WELCOME', 3: 'REJECT', 4: 'MESSAGE', 5: 'REQUEST', 6: 'RESPONSE',
         7: 'ERROR', 8: 'PING', 9: 'PONG', 10: 'GOODBYE', 11: 'CANCEL'}


class Mismatch(Exception):
    pass


class Connection:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b''

    def read_exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError('end of stream')
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_frame(self):
        """The next frame (header + body) that is not a PING; PINGs are answered."""
        while True:
            header = self.read_exact(4)
            (h,) = struct.unpack('>I', header)
            kind, length = h >> 28, h & 0x0FFFFFFF
            if length > 1 << 20:
                raise Mismatch(f'{KINDS.get(kind, kind)} of {length} bytes')
            body = self.read_exact(length)
            if kind == PING:
                self.sock.sendall(struct.pack('>I', (PONG << 28) | len(body)) + body)
                continue
            return kind, header + body


def describe(frame):
    (h,) = struct.unpack('>I', frame[:4])
    return f'{KINDS.get(h >> 28, h >> 28)} {frame.hex()[:80]}'


def run_session(plan, context, session, tls_session):
    stage = 'connect'
    raw = socket.create_connection(('127.0.0.1', plan['port']), timeout=10)
    sock = context.wrap_socket(raw, server_hostname='localhost', session=tls_session,
                               suppress_ragged_eofs=False)
    try:
        conn = Connection(sock)
        stage = 'hello'
        sock.sendall(bytes.fromhex(plan['hello']))
        kind, frame = conn.read_frame()
        if kind != WELCOME:
            raise Mismatch(f'expected WELCOME, got {describe(frame)}')
        for step in session['steps']:
            stage = step['name']
            sock.sendall(bytes.fromhex(step['send']))
            for expected in step['expect']:
                _, frame = conn.read_frame()
                if frame.hex() != expected:
                    raise Mismatch(f'expected {describe(bytes.fromhex(expected))}, got {describe(frame)}')
        stage = 'goodbye'
        sock.sendall(bytes.fromhex(plan['goodbye']))
        kind, frame = conn.read_frame()
        if kind != GOODBYE:
            raise Mismatch(f'expected GOODBYE, got {describe(frame)}')
        stage = 'end'
        try:
            extra = sock.recv(65536)
        except ssl.SSLEOFError:
            return 'ragged-eof', sock.session, sock.session_reused
        if extra:
            raise Mismatch(f'bytes after GOODBYE: {extra.hex()[:80]}')
        return None, sock.session, sock.session_reused
    except Exception as error:  # noqa: BLE001 - every failure is reported with its stage
        return f'{stage}: {type(error).__name__}: {error}', None, False
    finally:
        sock.close()


def main():
    with open(sys.argv[1], encoding='utf-8') as f:
        plan = json.load(f)
    context = ssl.create_default_context(cafile=plan['ca'])
    sessions = plan['sessions']
    threads = plan['threads']
    failures, ragged, reused = [], [], [0]
    lock = threading.Lock()

    def worker(index):
        tls_session = None
        for n in range(index, len(sessions), threads):
            problem, new_session, was_reused = run_session(plan, context, sessions[n], tls_session)
            with lock:
                if was_reused:
                    reused[0] += 1
                if problem == 'ragged-eof':
                    ragged.append(n)
                elif problem is not None:
                    failures.append({'session': n, 'problem': problem})
            tls_session = new_session or tls_session

    started = time.time()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    print(json.dumps({'sessions': len(sessions), 'reused': reused[0], 'ragged': ragged[:20],
                      'raggedCount': len(ragged), 'failures': failures[:20],
                      'failureCount': len(failures), 'seconds': round(time.time() - started, 2)}),
          flush=True)


if __name__ == '__main__':
    main()
