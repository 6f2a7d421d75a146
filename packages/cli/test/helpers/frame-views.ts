/** The views of `bp decode`'s frames, in the shape tshark's are flattened to. */
import type { DecodedFrame } from '../../src/decoded-frame.js';
import { type FrameView, normalized } from './tshark.js';

export function viewOf(frame: DecodedFrame): FrameView {
  const fields: Record<string, string[]> = {};
  for (const f of frame.fields) (fields[f.name] ??= []).push(f.show);
  return normalized({ fields, experts: frame.problems.map((p) => p.expert) });
}
