/** Runs the real tshark with a generated dissector and flattens what it reports per bp frame. */
import { execFileSync, spawnSync } from 'node:child_process';

/** One bp frame as both tshark and `bp decode` can report it: its fields and expert infos. */
export interface FrameView {
  /** Field filter name -> shown values, in the order they appear. */
  readonly fields: Record<string, string[]>;
  /** Expert info filter names, sorted. */
  readonly experts: string[];
}

function collect(
  node: unknown,
  view: { fields: Record<string, string[]>; experts: string[] },
  prefix = 'bp',
): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, view, prefix);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '_ws.expert') {
      for (const e of Array.isArray(value) ? value : [value]) {
        for (const k of Object.keys(e as object)) if (k.startsWith(`${prefix}.expert.`)) view.experts.push(k);
      }
    } else if (key.startsWith(`${prefix}.`) && !key.endsWith('_tree')) {
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        if (typeof v === 'string') (view.fields[key] ??= []).push(v);
        else collect(v, view, prefix);
      }
    } else collect(value, view, prefix);
  }
}

/** A frame view with values of each field sorted, so nesting order in tshark's JSON does not matter. */
export function normalized(view: FrameView): FrameView {
  const fields: Record<string, string[]> = {};
  for (const key of Object.keys(view.fields).sort()) fields[key] = [...view.fields[key]].sort();
  return { fields, experts: [...view.experts].sort() };
}

export interface TsharkPacket {
  readonly number: number;
  /** TCP source port of the packet (which direction of the connection it travelled). */
  readonly srcPort: number;
  readonly dstPort: number;
  readonly frames: FrameView[];
}

/**
 * Dissects `capture` with `lua` and returns, per packet with bp in it, the bp frames tshark shows
 * (`layer` `bpy`: the messages of the Python binary_protocol wire, fields `bpy.*`).
 */
export function tsharkFrames(
  capture: string,
  lua: string,
  extra: readonly string[] = [],
  layer: 'bpwire' | 'bpy' = 'bpwire',
): TsharkPacket[] {
  const prefix = layer === 'bpy' ? 'bpy' : 'bp';
  const run = spawnSync(
    'tshark',
    ['-n', '-X', `lua_script:${lua}`, '-r', capture, '-T', 'json', '--no-duplicate-keys', ...extra],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  // tshark reports a dissector that fails to load on stderr and carries on without it.
  const problems = run.stderr.split('\n').filter((l) => l.trim() !== '' && !/Running as user/.test(l));
  if (run.status !== 0 || problems.length > 0) throw new Error(`tshark failed: ${run.stderr}`);
  const out = run.stdout;
  const packets = JSON.parse(out) as { _source: { layers: Record<string, unknown> } }[];
  const result: TsharkPacket[] = [];
  for (const packet of packets) {
    const layers = packet._source.layers;
    const bp = layers[layer];
    if (bp === undefined) continue;
    const frames = (Array.isArray(bp) ? bp : [bp]).map((item) => {
      const view = { fields: {} as Record<string, string[]>, experts: [] as string[] };
      collect(item, view, prefix);
      return normalized(view);
    });
    const number = Number((layers.frame as Record<string, string>)['frame.number']);
    const tcp = layers.tcp as Record<string, string> | undefined;
    result.push({
      number,
      srcPort: Number(tcp?.['tcp.srcport']),
      dstPort: Number(tcp?.['tcp.dstport']),
      frames,
    });
  }
  return result;
}

/** Lua errors tshark printed while loading or running a dissector. */
export function tsharkLuaErrors(capture: string, lua: string): string {
  try {
    const out = execFileSync('tshark', ['-n', '-X', `lua_script:${lua}`, '-r', capture, '-V'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return out
      .split('\n')
      .filter((l) => /Lua Error|dissector error/i.test(l))
      .join('\n');
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
}
