import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    // Test against the workspace sources (a run never sees a stale dist of codec); the examples
    // import the package by name, as users do.
    alias: [
      { find: /^@bp\/codec$/, replacement: source('../codec/src/index.node.ts') },
      { find: /^@bp\/session$/, replacement: source('./src/index.ts') },
      { find: /^@bp\/session\/wire$/, replacement: source('./src/wire/index.ts') },
    ],
  },
  test: {
    name: 'session',
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // Property tests compile and run hundreds of cases: 1-2.5 s alone, several times that on a
    // loaded machine (vitest's default is 5 s). Still a bound: a hang fails.
    testTimeout: 30_000,
  },
});
