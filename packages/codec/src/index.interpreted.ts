/**
 * @bp/codec with the `interpreted` engine available: the same API as the default entry (closures
 * by default, no `eval`), plus the plain schema walk that `new ProtocolConfig({
 * enablePerformanceImprovements: false })` and `{ engine: 'interpreted' }` use. The default entry
 * leaves that engine out so that browser bundles do not carry it; Node's entry has it already.
 * @packageDocumentation
 */
import { compileInterpreted } from './engine-interpreted.js';
import { registerEngine } from './engine-registry.js';

export * from './index.js';

registerEngine('interpreted', compileInterpreted);
