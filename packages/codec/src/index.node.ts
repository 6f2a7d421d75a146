/**
 * @bp/codec with generated code: the same API as the default entry, but codecs compile to
 * straight-line JavaScript (`new Function`) by default. Node gets this entry through the `node`
 * export condition (no Content-Security-Policy applies there); browsers get it only by importing
 * `@bp/codec/generated` explicitly. Nothing probes for `eval`.
 * @packageDocumentation
 */
import { compileGenerated } from './engine-generated.js';
import { registerEngine, setDefaultEngine } from './engine-registry.js';

export * from './index.js';

registerEngine('generated', compileGenerated);
setDefaultEngine('generated');
