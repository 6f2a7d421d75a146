// The performance targets of @bp/codec, checked against one run's results. All are ratios taken
// in the same process and run, so they hold across machines in a way absolute numbers do not.

/** The bp adapter the targets are about: default options, i.e. what users get. */
export const TARGET_ADAPTER = 'bp';

/**
 * The targets read "encode" as encoding into a buffer (its reference numbers are for that),
 * so the targets are about encodeInto and decode. The same bars applied to encode() into a fresh
 * buffer are reported too, marked `target: false`.
 * @param {import('./codec-suite.mjs').CaseResult[]} cases
 * @returns {{ id: string, description: string, scenario: string, op: string, measured: number | undefined,
 *   threshold: number, pass: boolean | undefined, detail: string }[]}
 */
export function evaluateTargets(cases) {
  const find = (scenario, op) =>
    cases.find((c) => c.scenario === scenario && c.op === op && c.adapter === TARGET_ADAPTER);
  const targets = [];

  for (const op of ['encodeInto', 'decode']) {
    const c = find('SENSOR', op);
    if (c === undefined) continue;
    targets.push({
      id: `SENSOR/${op}/vs-hand-written`,
      description: `SENSOR ${op} at least 50% of the hand-written codec`,
      scenario: 'SENSOR',
      op,
      measured: c.vsHandWritten,
      threshold: 0.5,
      pass: c.vsHandWritten === undefined ? undefined : c.vsHandWritten >= 0.5,
      detail: `${fmtRatio(c.vsHandWritten)} of hand-written`,
    });
  }

  for (const c of cases) {
    if (c.adapter !== TARGET_ADAPTER || c.op !== 'encodeInto') continue;
    const pass = c.bytesPerOp === undefined ? undefined : c.bytesPerOp < 0.5 && c.minorGcs === 0;
    targets.push({
      id: `${c.scenario}/encodeInto/zero-allocation`,
      description: `${c.scenario} encodeInto allocates 0 bytes per call`,
      scenario: c.scenario,
      op: 'encodeInto',
      measured: c.bytesPerOp,
      threshold: 0,
      pass,
      detail: `${c.bytesPerOp === undefined ? '?' : c.bytesPerOp.toFixed(1)} B/op, ${c.minorGcs} scavenges in ${c.timedOps.toLocaleString('en-US')} calls`,
    });
  }

  for (const scenario of ['STATUS-24', 'STATUS-300', 'BLOB-1K', 'BLOB-64K']) {
    for (const op of ['encodeInto', 'encode', 'decode']) {
      const c = find(scenario, op);
      if (c === undefined) continue;
      targets.push({
        id: `${scenario}/${op}/vs-fastest-library`,
        description: `${scenario} ${op} at least as fast as the fastest library`,
        scenario,
        op,
        measured: c.vsFastestLibrary,
        threshold: 1,
        pass: c.vsFastestLibrary === undefined ? undefined : c.vsFastestLibrary >= 1,
        detail: `${fmtRatio(c.vsFastestLibrary)} of ${c.fastestLibrary ?? '?'}`,
      });
      targets.push({
        id: `${scenario}/${op}/vs-hand-written`,
        description: `${scenario} ${op} within 25% of the hand-written codec`,
        scenario,
        op,
        measured: c.vsHandWritten,
        threshold: 0.75,
        pass: c.vsHandWritten === undefined ? undefined : c.vsHandWritten >= 0.75,
        detail: `${fmtRatio(c.vsHandWritten)} of hand-written`,
      });
    }
  }
  for (const t of targets) t.target ??= t.op !== 'encode';
  return targets;
}

function fmtRatio(r) {
  return r === undefined ? '?' : `${(r * 100).toFixed(0)}%`;
}
