import type { Session } from '@bp/session';
import { DemoMessage, type DemoProtocol, type KvChanged, type SensorData, type Status } from '../schema.js';
import type { CliCommand } from './cli-args.js';

/** The part of a bp client the CLI uses (a @bp/transport-node `Client` has it, as does a `Session`). */
export type CliClient = Pick<Session<DemoProtocol>, 'request' | 'send' | 'on'>;

/** Where the CLI writes: lines for people, or one JSON object per line with `--json`. */
export interface CliOutput {
  json: boolean;
  line(text: string): void;
}

/**
 * Runs one command on an open client and returns the process exit status (0 ok, 1 when the
 * answer is "not found"). Watch commands run until `signal` aborts or `count` events arrived.
 */
export async function runCommand(
  command: CliCommand,
  client: CliClient,
  out: CliOutput,
  options: { signal: AbortSignal; timeoutMs: number },
): Promise<number> {
  const print = (human: string, json: unknown) => out.line(out.json ? JSON.stringify(json) : human);
  const request = { timeout: options.timeoutMs, signal: options.signal };
  switch (command.name) {
    case 'echo': {
      const started = performance.now();
      const reply = await client.request(DemoMessage.ECHO, { message: command.message }, request);
      const rttMs = round(performance.now() - started);
      print(`${reply.message}  (round trip ${rttMs} ms)`, { message: reply.message, rttMs });
      return 0;
    }
    case 'kv set': {
      const { created } = await client.request(
        DemoMessage.KV_SET,
        { key: command.key, value: command.value },
        request,
      );
      print(`OK ${created ? 'created' : 'updated'} ${command.key}`, { key: command.key, created });
      return 0;
    }
    case 'kv get': {
      const { value } = await client.request(DemoMessage.KV_GET, { key: command.key }, request);
      if (out.json) out.line(JSON.stringify({ key: command.key, value: value ?? null }));
      else out.line(value ?? `(no value for ${command.key})`);
      return value === undefined ? 1 : 0;
    }
    case 'kv del': {
      const { deleted } = await client.request(DemoMessage.KV_DEL, { key: command.key }, request);
      print(deleted ? `deleted ${command.key}` : `(no value for ${command.key})`, {
        key: command.key,
        deleted,
      });
      return deleted ? 0 : 1;
    }
    case 'kv list': {
      // A page also ends at the reply size limit: follow the cursor up to --limit entries.
      const entries: { key: string; value: string }[] = [];
      let more = true;
      for (let pages = 0; more && entries.length < command.limit && pages < command.limit; pages++) {
        const page = await client.request(
          DemoMessage.KV_LIST,
          { prefix: command.prefix, limit: command.limit - entries.length, after: entries.at(-1)?.key },
          request,
        );
        entries.push(...page.entries);
        more = page.more;
      }
      if (out.json) out.line(JSON.stringify({ entries, more }));
      else {
        for (const { key, value } of entries) out.line(`${key} = ${value}`);
        if (entries.length === 0) out.line('(no keys)');
        if (more) out.line(`(more keys; raise --limit, now ${command.limit})`);
      }
      return 0;
    }
    case 'kv watch': {
      const events = collect<KvChanged>(client, DemoMessage.KV_CHANGED, command.count, options.signal);
      const { value } = await client.request(
        DemoMessage.KV_WATCH,
        { key: command.key, prefix: command.prefix },
        request,
      );
      if (!command.prefix) {
        print(`${command.key} = ${value ?? '(no value)'}`, {
          key: command.key,
          value: value ?? null,
          initial: true,
        });
      } else if (!out.json) {
        out.line(`watching keys starting with "${command.key}" (Ctrl-C to stop)`);
      }
      for await (const change of events) {
        print(change.value === undefined ? `${change.key} deleted` : `${change.key} = ${change.value}`, {
          key: change.key,
          value: change.value ?? null,
        });
      }
      return 0;
    }
    case 'sensors watch': {
      const readings = collect<SensorData>(client, DemoMessage.SENSOR_DATA, command.count, options.signal);
      const stopStatus = command.status
        ? client.on(DemoMessage.STATUS, (status: Status) =>
            print(`STATUS ${status.statusCode} ${status.message}`, { status }),
          )
        : () => {};
      try {
        const { source, rate } = await client.request(
          DemoMessage.SENSOR_SUBSCRIBE,
          { status: command.status },
          request,
        );
        if (!out.json) out.line(`subscribed; the server simulates "${source}" at ${rate}/s (Ctrl-C to stop)`);
        for await (const r of readings) {
          print(
            `${new Date(r.timestamp).toISOString()} ${r.source.padEnd(12)} ${fmt(r.sensor1)} ${fmt(r.sensor2)} ${fmt(r.sensor3)} ${fmt(r.sensor4)}`,
            { reading: r },
          );
        }
      } finally {
        stopStatus();
      }
      return 0;
    }
    case 'sensors publish': {
      const [sensor1, sensor2, sensor3, sensor4] = command.values;
      const reading = {
        sensor1,
        sensor2,
        sensor3,
        sensor4,
        source: command.source,
        timestamp: Date.now(),
        battery: 100,
      };
      client.send(DemoMessage.SENSOR_DATA, reading);
      // An echo after the one-way message returns once the server has processed both, in order.
      await client.request(DemoMessage.ECHO, { message: 'published' }, request);
      print(`published ${command.values.join(' ')} as ${command.source}`, { published: reading });
      return 0;
    }
  }
}

/** Pushed messages of one type as an async iterable that ends after `count` or on abort. */
function collect<V>(
  client: CliClient,
  type: DemoMessage,
  count: number | undefined,
  signal: AbortSignal,
): AsyncIterable<V> {
  const queue: V[] = [];
  let wake: (() => void) | undefined;
  const stop = client.on(type as DemoMessage.KV_CHANGED, (value) => {
    queue.push(value as V);
    wake?.();
  });
  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  return {
    async *[Symbol.asyncIterator]() {
      let delivered = 0;
      try {
        while (count === undefined || delivered < count) {
          if (queue.length === 0) {
            await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
            wake = undefined;
            if (signal.aborted && queue.length === 0) return;
            continue;
          }
          delivered++;
          yield queue.shift()!;
        }
      } finally {
        stop();
      }
    },
  };
}

function fmt(n: number): string {
  return n.toFixed(2).padStart(9);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
