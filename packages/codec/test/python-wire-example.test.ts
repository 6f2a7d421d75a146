import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { call, serve } from '../examples/python-wire.js';

// What the Python package writes and reads, per its wire (docs/binary-protocol-compat.md): the
// header, a '>I' payload length for variable structures, the payload. Run by python3's struct.
const PYTHON = `
import struct, sys
def status(code, text):
    raw = text.encode()
    payload = struct.pack('>II', code, len(raw)) + raw
    return struct.pack('>HI', 2, len(payload)) + payload
def read(data):
    (t,) = struct.unpack_from('>H', data)
    if t == 0xFFFF: return 'NOT_FOUND'
    (n,) = struct.unpack_from('>I', data, 2)
    code, m = struct.unpack_from('>II', data, 6)
    assert n == len(data) - 6
    return f"{t} {code} {data[14:14 + m].decode()}"
mode = sys.argv[1]
if mode == 'request': sys.stdout.write(status(200, 'ok').hex())
elif mode == 'reply': sys.stdout.write(status(201, 'OK').hex())
else: sys.stdout.write(read(bytes.fromhex(sys.argv[2])))
`;
const python = (...args: string[]) => execFileSync('python3', ['-c', PYTHON, ...args], { encoding: 'utf8' });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

test('serving a Python client: its request decodes, and it reads the reply', () => {
  const reply = serve(bytes(python('request')));
  expect(python('read', hex(reply))).toBe('2 201 OK');
  expect(python('read', hex(serve(bytes('00040000002a'))))).toBe('NOT_FOUND');
});

test('calling a Python server: the request is its bytes, and its reply decodes', () => {
  expect(hex(call() as Uint8Array)).toBe(python('request'));
  expect(call(bytes(python('reply')))).toEqual({ type: 2, value: { status_code: 201, message: 'OK' } });
});

test('the README shows the example file as it is', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/python-wire.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
});
