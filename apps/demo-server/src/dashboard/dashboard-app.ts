import type { WebSocketClient } from '@bp/transport-browser';
import { DemoMessage, type DemoProtocol, demoProtocol, type SensorData, type Status } from '../schema.js';
import { RateCounter } from './rate-counter.js';
import { SensorChart, type SeriesSpec } from './sensor-chart.js';

/** The part of the WebSocket client the dashboard uses (a `WebSocketClient<DemoProtocol>`). */
export type DashboardLink = Pick<
  WebSocketClient<DemoProtocol>,
  'request' | 'send' | 'on' | 'subscribe' | 'onStateChange' | 'state'
>;

const SERIES: SeriesSpec[] = [
  { name: 'temperature', unit: '°C', color: '#dc2626', digits: 2 },
  { name: 'humidity', unit: '%', color: '#2563eb', digits: 1 },
  { name: 'pressure', unit: 'hPa', color: '#16a34a', digits: 1 },
  { name: 'vibration', unit: 'g', color: '#9333ea', digits: 3 },
];

/** Wires the page's elements to a link; returns nothing, the page lives as long as the tab. */
export function startDashboard(link: DashboardLink): void {
  const $ = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;
  const state = $('state');
  const events = $('events');
  const readingsEl = $('readings');
  const charts = SERIES.map((spec) => new SensorChart(spec));
  $('charts').append(...charts.map((c) => c.element));

  // Counters: every message in or out, with its size from the schema (header + payload).
  const messages = new RateCounter();
  const bytes = new RateCounter();
  const count = (type: DemoMessage, value: unknown) => {
    messages.add(1);
    bytes.add(demoProtocol.messageByteLength(type, value as never) + 4);
  };
  let readings = 0;
  let simulatorSource = '';
  let lastRtt: number | undefined;

  const log = (text: string) => {
    const li = document.createElement('li');
    const time = document.createElement('time');
    time.textContent = new Date().toLocaleTimeString();
    li.append(time, text);
    events.prepend(li);
    while (events.childElementCount > 100) events.lastElementChild!.remove();
  };

  const showState = (s: string, error?: Error) => {
    const detail = error === undefined ? undefined : describe(error);
    state.dataset.state = s;
    state.textContent = detail === undefined ? s : `${s}: ${detail}`;
    log(`connection ${s}${detail === undefined ? '' : ` (${detail})`}`);
  };
  showState(link.state);
  link.onStateChange((change) => showState(change.state, change.error));

  link.on(DemoMessage.SENSOR_DATA, (r: SensorData) => {
    count(DemoMessage.SENSOR_DATA, r);
    readings++;
    if (r.source === simulatorSource || simulatorSource === '') {
      charts[0]!.push(r.sensor1);
      charts[1]!.push(r.sensor2);
      charts[2]!.push(r.sensor3);
      charts[3]!.push(r.sensor4);
    } else {
      log(
        `reading from ${r.source}: ${[r.sensor1, r.sensor2, r.sensor3, r.sensor4].map((v) => v.toFixed(2)).join(' ')}`,
      );
    }
  });
  link.on(DemoMessage.STATUS, (s: Status) => {
    count(DemoMessage.STATUS, s);
    log(`STATUS ${s.statusCode} ${s.message}`);
  });

  // Watched keys: a row per key, flashed when its value changes.
  const watchedBody = $('watched').querySelector('tbody')!;
  const watched = new Map<string, HTMLTableRowElement>();
  const showWatched = (key: string, value: string | undefined, changed: boolean) => {
    let row = watched.get(key);
    if (row === undefined) {
      row = document.createElement('tr');
      row.dataset.key = key;
      row.append(document.createElement('td'), document.createElement('td'), document.createElement('td'));
      row.cells[0]!.textContent = key;
      watchedBody.append(row);
      watched.set(key, row);
    }
    row.cells[1]!.textContent = value ?? '(none)';
    row.cells[2]!.textContent = changed ? new Date().toLocaleTimeString() : '';
    if (changed) {
      row.cells[1]!.classList.remove('flash');
      void row.offsetWidth; // restart the animation
      row.cells[1]!.classList.add('flash');
    }
  };
  link.on(DemoMessage.KV_CHANGED, (change) => {
    count(DemoMessage.KV_CHANGED, change);
    showWatched(change.key, change.value, true);
  });

  // Sent again by the client after every reconnect.
  link.subscribe(
    DemoMessage.SENSOR_SUBSCRIBE,
    { status: true },
    {
      onReply: (reply: { source: string; rate: number }) => {
        simulatorSource = reply.source;
        $('sensor-source').textContent = `simulated by ${reply.source} at ${reply.rate}/s`;
      },
      onError: (error) => log(`subscribe failed: ${describe(error)}`),
    },
  );
  const subscribedKeys = new Set<string>();
  const watchKey = (key: string) => {
    if (subscribedKeys.has(key)) return;
    subscribedKeys.add(key);
    link.subscribe(
      DemoMessage.KV_WATCH,
      { key, prefix: false },
      {
        onReply: (reply: { value: string | undefined }) => showWatched(key, reply.value, false),
        onError: (error) => show(`watch failed: ${describe(error)}`, true),
      },
    );
  };

  // The KV form.
  const form = $<HTMLFormElement>('kv-form');
  const keyInput = $<HTMLInputElement>('kv-key');
  const valueInput = $<HTMLInputElement>('kv-value');
  const result = $('kv-result');
  const show = (text: string, isError = false) => {
    result.textContent = text;
    result.classList.toggle('error', isError);
  };
  const run = async (action: string) => {
    const key = keyInput.value;
    try {
      switch (action) {
        case 'set': {
          const reply = await link.request(DemoMessage.KV_SET, { key, value: valueInput.value });
          show(`${reply.created ? 'created' : 'updated'} ${key}`);
          break;
        }
        case 'get': {
          const reply = await link.request(DemoMessage.KV_GET, { key });
          show(reply.value === undefined ? `(no value for ${key})` : `${key} = ${reply.value}`);
          if (reply.value !== undefined) valueInput.value = reply.value;
          break;
        }
        case 'del': {
          const reply = await link.request(DemoMessage.KV_DEL, { key });
          show(reply.deleted ? `deleted ${key}` : `(no value for ${key})`);
          break;
        }
        case 'list': {
          const reply = await link.request(DemoMessage.KV_LIST, { prefix: key, limit: 50 });
          const lines = reply.entries.map((e) => `${e.key} = ${e.value}`);
          if (lines.length === 0) lines.push(`(no keys start with "${key}")`);
          if (reply.more) lines.push('(more…)');
          show(lines.join('\n'));
          break;
        }
        case 'watch': {
          watchKey(key);
          show(`watching ${key}`);
          break;
        }
      }
    } catch (error) {
      show(`${action} failed: ${describe(error)}`, true);
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run('set');
  });
  for (const id of ['kv-get', 'kv-del', 'kv-list', 'kv-watch']) {
    const button = $<HTMLButtonElement>(id);
    button.addEventListener('click', () => {
      if (keyInput.value === '' && button.value !== 'list') {
        show('enter a key first', true);
        return;
      }
      void run(button.value);
    });
  }

  $('publish').addEventListener('click', () => {
    const reading = {
      sensor1: 20 + Math.random() * 5,
      sensor2: 50 + Math.random() * 10,
      sensor3: 1010 + Math.random() * 5,
      sensor4: Math.random(),
      source: 'dashboard',
      timestamp: Date.now(),
      battery: 100,
    };
    link.send(DemoMessage.SENSOR_DATA, reading);
    count(DemoMessage.SENSOR_DATA, reading);
    $('publish-result').textContent = `sent at ${new Date().toLocaleTimeString()}`;
  });

  // Round trip: one ECHO a second while connected.
  setInterval(() => {
    const started = performance.now();
    link.request(DemoMessage.ECHO, { message: 'ping' }, { timeout: 5000 }).then(
      () => {
        lastRtt = performance.now() - started;
        count(DemoMessage.ECHO_REPLY, { message: 'ping' });
      },
      () => {
        lastRtt = undefined;
      },
    );
  }, 1000);

  // Counters refresh on a timer, not per message, so a fast stream costs no layout work.
  setInterval(() => {
    $('msgs-rate').textContent = messages.perSecond().toFixed(1);
    $('bytes-rate').textContent = formatBytes(bytes.perSecond());
    $('rtt').textContent = lastRtt === undefined ? '–' : `${lastRtt.toFixed(1)} ms`;
    readingsEl.textContent = String(readings);
  }, 500);
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n.toFixed(0)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

function describe(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return `${typeof code === 'string' || typeof code === 'number' ? `[${code}] ` : ''}${String(message)}`;
  }
  return String(error);
}
