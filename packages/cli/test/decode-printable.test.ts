// `bp decode` text output cannot be forged by what a capture carries: control characters and
// bidirectional overrides in captured strings (here an ERROR message that spells a fake frame
// heading and an ANSI "erase line") are printed escaped. An adversarial capture found this.
import { expect, test } from 'vitest';
import { printable } from '../src/decode-output.js';
import { runCli } from '../src/index.js';

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/** An ERROR frame (kind 7: requestId u32, code u16, message) carrying `message`. */
function errorFrame(message: string): Uint8Array {
  const text = new TextEncoder().encode(message);
  const frame = new Uint8Array(4 + 6 + text.length);
  const view = new DataView(frame.buffer);
  view.setUint32(0, (0x7 << 28) | (6 + text.length));
  view.setUint32(4, 1);
  view.setUint16(8, 1000);
  frame.set(text, 10);
  return frame;
}

test('captured strings cannot add lines or terminal escapes to the text output', async () => {
  const forged =
    'boom\n#4 127.0.0.1:1 -> 127.0.0.1:2  MESSAGE SENSOR_DATA (33 bytes)\x1b[2K\x1b[1A\u202egnp.exe';
  let out = '';
  const status = await runCli(['decode', '--hex', hex(errorFrame(forged))], {
    stdout: (t) => {
      out += t;
    },
    stderr: () => {},
    stdin: async () => new Uint8Array(0),
    cwd: process.cwd(),
  });
  expect(status).toBe(0);
  const lines = out.trimEnd().split('\n');
  expect(lines.filter((line) => line.startsWith('#'))).toEqual([]);
  expect(out).not.toContain('\u001b');
  expect(out).not.toContain('\u202e');
  expect(out).toContain('boom\\n#4 127.0.0.1:1');
  expect(out).toContain('\\x1b[2K\\x1b[1A\\u202egnp.exe');
});

test('printable escapes C0, DEL, C1 and bidi controls and leaves the rest alone', () => {
  expect(printable('a\tb\r\nc\u0000\u007f\u0085\u2066d é 😀')).toBe(
    'a\\tb\\r\\nc\\x00\\x7f\\x85\\u2066d é 😀',
  );
  expect(printable('plain')).toBe('plain');
});
