/**
 * @bp/codec for Node (selected by the `node` export condition): identical API, but codecs are
 * compiled to generated JavaScript (`new Function`) by default, since no Content-Security-Policy
 * applies in Node. Chosen by the export condition, never by probing `eval`.
 * @packageDocumentation
 */
import { setDefaultEngine } from './engine-registry.js';

export * from './index.js';

setDefaultEngine('generated');
