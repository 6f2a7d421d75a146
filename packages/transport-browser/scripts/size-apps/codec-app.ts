// The codec alone in a small app: one struct of u32 and string fields, encoded and decoded;
// what a page that only parses bp payloads (from fetch, a WebRTC channel, a file) pays.
import { string, struct, u32 } from '@bp/codec';

const Reading = struct({ id: u32, label: string() });
const bytes = Reading.encode({ id: 7, label: 'kitchen' });
const reading = Reading.decode(bytes, 0);
document.body.textContent = `${reading.id} ${reading.label} (${bytes.length} bytes)`;
