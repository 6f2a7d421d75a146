// The handshake's bytes for the benchmark protocol (a count, not a timing): what protocol
// version 2 (and so the default, 3) adds when schemas are equal (the 4-byte HELLO extension) and when they differ (one
// SCHEMA round trip carrying the differing types' descriptors).
import { expect, test } from 'vitest';
import { handshakeBytesReport } from '../src/handshake-bytes.js';

test('handshake bytes of the benchmark protocol, per version and schema difference', async () => {
  const report = await handshakeBytesReport();
  console.log(
    Object.entries(report)
      .map(
        ([name, r]) =>
          `${name}: client->server ${r.clientToServer} B in ${r.framesClientToServer} frames, server->client ${r.serverToClient} B in ${r.framesServerToClient} frames`,
      )
      .join('\n'),
  );
  const v1 = report['version 1, equal schemas'];
  const v2 = report['version 3, equal schemas'];
  // HELLO: 4 + 50 + 12 x 13 types; WELCOME: 22.
  expect(v1).toMatchObject({ clientToServer: 4 + 50 + 12 * 13, serverToClient: 22, version: 1 });
  expect(v2).toMatchObject({ clientToServer: v1.clientToServer + 4, serverToClient: 22, version: 3 });
  for (const name of ['version 3, old client, new server', 'version 3, new client, old server'] as const) {
    const r = report[name];
    // HELLO + SCHEMA descriptors up, SCHEMA request (4 + 5 + 4 x 2 types) + WELCOME down.
    expect(r).toMatchObject({ version: 3, framesClientToServer: 2, framesServerToClient: 2 });
    expect(r.serverToClient).toBe(22 + 4 + 5 + 4 * 2);
    expect(r.clientToServer).toBeGreaterThan(v2.clientToServer + 4 + 5 + 2 * 8);
  }
});
