// bp itself, imported the way users get it: the built package through its own name, which in Node
// resolves through the `node` export condition (generated code by default). Three paths:
//   bp              default options in Node: the `generated` engine (new Function)
//   bp-closures     the CSP-safe engine (no eval), the default of the browser entry
//   bp-interpreted  what ProtocolConfig({ enablePerformanceImprovements: false }) hands out
//   bp-trusted      trustedInput(codec): the generated engine's encoder without value checks
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ProtocolConfig, trustedInput, withEngine } from '@bp/codec';

import { schemas } from './bp-schemas.mjs';

function interpretedViaProtocol(codec) {
  const protocol = new ProtocolConfig({
    messageStructures: { 1: codec },
    enablePerformanceImprovements: false,
  });
  return protocol.codecFor(1);
}

const variants = {
  bp: (codec) => codec,
  'bp-closures': (codec) => withEngine(codec, 'closures'),
  'bp-interpreted': interpretedViaProtocol,
  'bp-trusted': (codec) => trustedInput(codec),
};

/** The last commit that changed the package's sources, and whether they differ from it (local edits). */
function sourceRevision() {
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const git = (...args) => spawnSync('git', args, { cwd, encoding: 'utf8' });
  const head = git('log', '-1', '--format=%h', '--', 'src');
  if (head.status !== 0) return undefined;
  const dirty = git('status', '--porcelain', '--', 'src').stdout.trim() !== '';
  return { commit: head.stdout.trim(), srcModified: dirty };
}

/** What the benchmarked package is: version, source commit, engine per variant (read from the codecs). */
export const bpInfo = {
  version: JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version,
  source: sourceRevision(),
  engines: Object.fromEntries(
    Object.entries(variants).map(([id, make]) => [id, make(schemas.sensor).engine]),
  ),
};

function adapter(id, label, how) {
  const make = variants[id];
  return {
    id,
    kind: 'bp',
    label,
    how,
    // Called directly from the timed loop (loops.mjs compileDirectLoop), as users call it.
    direct: true,
    setup: (scenario) => ({ codec: make(schemas[scenario.shape]) }),
  };
}

/** @type {import('./competitors.mjs').Adapter[]} */
export const bpAdapters = [
  adapter(
    'bp',
    'bp (default: generated)',
    'codec.encodeInto(v, target, 0) / codec.encode(v) / codec.decode(bytes, 0), called directly from the loop',
  ),
  adapter('bp-closures', 'bp closures (CSP-safe)', "withEngine(codec, 'closures'), same calls"),
  adapter(
    'bp-interpreted',
    'bp interpreted',
    'new ProtocolConfig({ enablePerformanceImprovements: false }).codecFor(type), same calls',
  ),
  adapter(
    'bp-trusted',
    'bp trustedInput (no value checks)',
    'trustedInput(codec): opt-in, for values the caller built itself; same calls',
  ),
];
