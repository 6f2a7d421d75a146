/**
 * Captures real loopback traffic with dumpcap (Wireshark's capture engine), filtered to one
 * test's ports, into a file the test then dissects.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';

export interface LiveCapture {
  readonly file: string;
  /** Stops dumpcap (after letting the last packets reach it) and waits until the file is complete. */
  stop(): Promise<void>;
}

/**
 * Starts dumpcap on `lo` for TCP `ports` and resolves once it really captures: dumpcap says
 * "Capturing on" a moment before its filter is live, so a UDP probe (to a port of its own, in the
 * filter too; the decoders ignore UDP) is sent until dumpcap counts a packet.
 */
export async function startCapture(
  file: string,
  ports: readonly number[],
  format: 'pcap' | 'pcapng' = 'pcapng',
): Promise<LiveCapture> {
  const probe = createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
  const probePort = probe.address().port;
  const filter = `${ports.map((p) => `tcp port ${p}`).join(' or ')} or udp port ${probePort}`;
  const args = ['-i', 'lo', '-f', filter, '-w', file, ...(format === 'pcap' ? ['-P'] : [])];
  const child: ChildProcess = spawn('dumpcap', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`dumpcap did not capture within 20 s: ${stderr}`)),
        20_000,
      );
      const ping = setInterval(() => probe.send('probe', probePort, '127.0.0.1'), 50);
      const done = (error?: Error) => {
        clearTimeout(timer);
        clearInterval(ping);
        if (error) reject(error);
        else resolve();
      };
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/Packets: [1-9]/.test(stderr)) done();
      });
      child.once('exit', (code) => done(new Error(`dumpcap exited with ${code}: ${stderr}`)));
    });
  } finally {
    probe.close();
  }
  let stopped: Promise<void> | undefined;
  return {
    file,
    stop() {
      stopped ??= (async () => {
        await new Promise((r) => setTimeout(r, 500));
        child.kill('SIGTERM');
        await exited;
      })();
      return stopped;
    },
  };
}
