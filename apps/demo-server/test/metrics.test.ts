import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoMessage, demoProtocol } from '../src/schema.js';
import { closeClients, tcpClient } from './helpers/clients.js';
import {
  type DemoProcess,
  removeDataDirs,
  startDemoProcess,
  stopAllDemoProcesses,
} from './helpers/demo-process.js';

// A server of its own: the exact counts below must not see other tests' connections.
let demo: DemoProcess;

beforeAll(async () => {
  demo = await startDemoProcess({ args: ['--sensor-rate', '1'] });
});

afterAll(async () => {
  await closeClients();
  await stopAllDemoProcesses();
  removeDataDirs();
});

// Frame sizes from the layouts in docs/PROTOCOL.md: a 4-byte frame header plus the body.
const HEADER = 4;
const TYPE_HEADER = 2; // the demo protocol keeps the default headerFormat '>H'
function helloSize(token: string): number {
  // 46 fixed bytes + token + typeCount (4) + 12 per message type, + 4 for version 2's
  // schema-resolution extension (section 4.1).
  return HEADER + 46 + Buffer.byteLength(token) + 4 + 12 * demoProtocol.messageTypes().length + 4;
}
const WELCOME = HEADER + 18; // section 4.2
/** REQUEST/RESPONSE of ECHO { message: 'hi' }: request id, type, u32 length + 2 UTF-8 bytes. */
const ECHO_HI = HEADER + 4 + TYPE_HEADER + 4 + 2;
const GOODBYE = HEADER + 6; // code, deadline, empty reason (section 4.9)

type Series = Record<string, number>;

async function scrape(): Promise<Series> {
  const response = await fetch(`http://127.0.0.1:${demo.httpPort}/metrics`, {
    headers: { authorization: `Bearer ${demo.token}` },
  });
  expect(response.status).toBe(200);
  const series: Series = {};
  for (const line of (await response.text()).split('\n')) {
    const match = /^(bp_demo_(?:bytes|frames)_total\{[^}]*\}) (\d+)$/.exec(line);
    if (match !== null) series[match[1]!] = Number(match[2]);
  }
  return series;
}

type Traffic = { bytesIn: number; bytesOut: number; framesIn: number; framesOut: number };
const NONE: Traffic = { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0 };

/** Every series, with `tcp` as given and the other transports at zero. */
function expected(tcp: Traffic): Series {
  const series: Series = {};
  for (const [transport, traffic] of [
    ['tcp', tcp],
    ['tls', NONE],
    ['ws', NONE],
  ] as const) {
    series[`bp_demo_bytes_total{transport="${transport}",direction="in"}`] = traffic.bytesIn;
    series[`bp_demo_bytes_total{transport="${transport}",direction="out"}`] = traffic.bytesOut;
    series[`bp_demo_frames_total{transport="${transport}",direction="in"}`] = traffic.framesIn;
    series[`bp_demo_frames_total{transport="${transport}",direction="out"}`] = traffic.framesOut;
  }
  return series;
}

describe('/metrics bytes and frames', () => {
  it('counts every frame of a connection as it crossed the wire, live and after it closed', async () => {
    expect(await scrape()).toEqual(expected(NONE));

    const tcp = await tcpClient(demo);
    expect(await tcp.request(DemoMessage.ECHO, { message: 'hi' })).toEqual({ message: 'hi' });
    const open: Traffic = {
      bytesIn: helloSize(demo.token) + ECHO_HI,
      bytesOut: WELCOME + ECHO_HI,
      framesIn: 2,
      framesOut: 2,
    };
    // Read from the open connection at scrape time.
    expect(await scrape()).toEqual(expected(open));

    await tcp.close({ deadline: 1000 });
    // The server counts the client's GOODBYE and its answer; its own close may lag the client's.
    const closedKey = 'bp_demo_frames_total{transport="tcp",direction="out"}';
    let series = await scrape();
    for (let i = 0; i < 100 && series[closedKey] !== 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      series = await scrape();
    }
    expect(series).toEqual(
      expected({
        bytesIn: open.bytesIn + GOODBYE,
        bytesOut: open.bytesOut + GOODBYE,
        framesIn: 3,
        framesOut: 3,
      }),
    );
  });
});
