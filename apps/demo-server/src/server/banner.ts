import type { DemoServerInfo } from './demo-server.js';

/** The start-up text for people: every address, the token, and how to try it. */
export function formatBanner(info: DemoServerInfo): string {
  const { addresses } = info;
  const tokenNote =
    info.tokenSource === 'configured'
      ? '(from BP_TOKEN / --token)'
      : info.tokenSource === 'generated'
        ? `(generated, saved in ${info.tokenFile})`
        : `(from ${info.tokenFile})`;
  const certNote =
    info.certificate.source === 'configured' ? '' : ` (development certificate ${info.certificate.certFile})`;
  const lines = [
    '',
    'bp demo server is running',
    '',
    row('dashboard', addresses.dashboard),
    row('bp over TCP', addresses.tcp),
    row('bp over TLS', `${addresses.tls}${certNote}`),
    row('bp over WebSocket', addresses.ws),
    row('health', `${addresses.http}/healthz`),
    row('metrics', `${addresses.http}/metrics  (Authorization: Bearer <token>)`),
    '',
    row('token', `${info.token}  ${tokenNote}`),
    row('KV store', info.storeDescription),
    row('TLS fingerprint', info.certificate.fingerprint256),
    '',
    'Try it (in another terminal, from the repository root):',
    '  pnpm bp-demo kv set greeting hello',
    '  pnpm bp-demo kv get greeting',
    '  pnpm bp-demo sensors watch --count 5',
    '',
    'Ctrl-C stops the server (connections drain, the store is flushed).',
    '',
  ];
  return `${lines.join('\n')}\n`;
}

function row(label: string, value: string): string {
  return `  ${label.padEnd(19)}${value}`;
}
