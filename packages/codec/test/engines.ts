import type { EngineName } from '../src/index.node.js';

/** Every engine; tests run each schema through all of them. */
export const ENGINES: readonly EngineName[] = ['generated', 'closures', 'interpreted'];
