import type { EngineName } from '../src/index.js';

/** Every engine; tests run each schema through all of them. */
export const ENGINES: readonly EngineName[] = ['generated', 'closures', 'interpreted'];
