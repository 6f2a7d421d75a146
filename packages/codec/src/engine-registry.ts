import type { CompiledCodec, EngineName } from './engine.js';
import { compileClosures } from './engine-closures.js';
import { compileGenerated } from './engine-generated.js';
import { compileInterpreted } from './engine-interpreted.js';
import type { SchemaNode } from './schema-node.js';

const COMPILERS = {
  generated: compileGenerated,
  closures: compileClosures,
  interpreted: compileInterpreted,
} as const;

let defaultEngine: EngineName = 'closures';

/**
 * Chooses the engine for codecs created from now on. The browser entry starts with `closures`
 * (safe under a CSP that forbids `eval`); the Node entry starts with `generated`. Call
 * `setDefaultEngine('generated')` in a browser to opt in to generated code where `eval` is allowed.
 */
export function setDefaultEngine(engine: EngineName): void {
  if (!(engine in COMPILERS)) throw new TypeError(`unknown engine ${String(engine)}`);
  defaultEngine = engine;
}

/** The engine new codecs use unless told otherwise. */
export function getDefaultEngine(): EngineName {
  return defaultEngine;
}

/** @internal Compiles a node with an engine (the default when none is given). */
export function compileNode(node: SchemaNode, engine: EngineName = defaultEngine): CompiledCodec {
  return COMPILERS[engine](node);
}
