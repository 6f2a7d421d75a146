import { createClient } from '@bp/transport-browser';
import { demoProtocol } from '../schema.js';
import { startDashboard } from './dashboard-app.js';

// The page is served at /?token=…; the WebSocket lives on the same origin at the configured path.
const token = new URLSearchParams(location.search).get('token') ?? '';
const path = document.querySelector<HTMLMetaElement>('meta[name="bp-ws-path"]')?.content || '/bp';
const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;

// createClient keeps retrying (also the first time), so the page survives a server restart.
const client = createClient(url, { protocol: demoProtocol, token, reconnect: true });
startDashboard(client);
// For the browser test and for poking at the demo from the devtools console.
(globalThis as { bpDemo?: unknown }).bpDemo = { client };
