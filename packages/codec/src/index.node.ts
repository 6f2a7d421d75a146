/**
 * @bp/codec with generated code: the same API as the default entry, but codecs compile to
 * straight-line JavaScript (`new Function`) by default. Node gets this entry through the `node`
 * export condition (no Content-Security-Policy applies there); browsers get it only by importing
 * `@bp/codec/generated` explicitly. Nothing probes for `eval`. The `interpreted` engine is here too.
 * @packageDocumentation
 */
import { compileGenerated } from './engine-generated.js';
import { compileInterpreted } from './engine-interpreted.js';
import { registerEngine, setDefaultEngine } from './engine-registry.js';

export * from './index.js';

registerEngine('generated', compileGenerated);
// Registered here, not by re-exporting ./index.interpreted.js: the package is marked free of side
// effects, so a bundler keeps that entry's exports and drops its registration.
registerEngine('interpreted', compileInterpreted);
setDefaultEngine('generated');
