import type { CompiledCodec, CompileOptions, EngineCompiler, EngineName } from './engine.js';
import { compileClosures } from './engine-closures.js';
import { BpError } from './errors.js';
import type { SchemaNode } from './schema-node.js';

// The generated-code engine is registered only by the entry points that may use `new Function`
// (the Node entry and `@bp/codec/generated`), so the default browser bundle holds no eval at all.
// The interpreted engine is registered by the Node entry and `@bp/codec/interpreted`, so browser
// bundles carry it only when asked for.
const compilers: Partial<Record<EngineName, EngineCompiler>> = { closures: compileClosures };

const missingEngine: Partial<Record<EngineName, string>> = {
  generated:
    "the 'generated' engine is not part of this entry point (it needs eval): import from '@bp/codec/generated', or run in Node",
  interpreted:
    "the 'interpreted' engine is not part of this entry point (kept out of browser bundles): import from '@bp/codec/interpreted', or run in Node",
};

let defaultEngine: EngineName = 'closures';

function compilerFor(engine: EngineName): EngineCompiler {
  const compiler = compilers[engine];
  if (compiler !== undefined) return compiler;
  const missing = missingEngine[engine];
  if (missing !== undefined) throw new BpError('engine-unavailable', missing);
  throw new BpError('engine-unavailable', `unknown engine ${JSON.stringify(engine)}`);
}

/**
 * Chooses the engine for codecs created from now on. The default entry starts with `closures`
 * (safe under a CSP that forbids `eval`); the Node entry and `@bp/codec/generated` start with
 * `generated`.
 */
export function setDefaultEngine(engine: EngineName): void {
  compilerFor(engine);
  defaultEngine = engine;
}

/** The engine new codecs use unless told otherwise. */
export function getDefaultEngine(): EngineName {
  return defaultEngine;
}

/** @internal Makes an engine available in this copy of the package. */
export function registerEngine(engine: EngineName, compiler: EngineCompiler): void {
  compilers[engine] = compiler;
}

/** @internal Compiles a node with an engine (the default when none is given). */
export function compileNode(
  node: SchemaNode,
  engine: EngineName = defaultEngine,
  options?: CompileOptions,
): CompiledCodec {
  return compilerFor(engine)(node, options);
}
