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
    `  dashboard        ${addresses.dashboard}`,
    `  bp over TCP      ${addresses.tcp}`,
    `  bp over TLS      ${addresses.tls}${certNote}`,
    `  bp over WebSocket ${addresses.ws}`,
    `  health           ${addresses.http}/healthz`,
    `  metrics          ${addresses.http}/metrics  (Authorization: Bearer <token>)`,
    '',
    `  token            ${info.token}  ${tokenNote}`,
    `  KV store         ${info.storeDescription}`,
    `  TLS fingerprint  ${info.certificate.fingerprint256}`,
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
