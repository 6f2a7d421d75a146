import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    // Test against the workspace sources, so a bare `vitest run` never tests a stale dist/. Node
    // resolves @bp/codec through its `node` condition, so the Node side gets that entry here too.
    alias: [
      { find: /^@bp\/codec$/, replacement: source('../codec/src/index.node.ts') },
      { find: /^@bp\/session$/, replacement: source('../session/src/index.ts') },
      { find: /^@bp\/transport-node$/, replacement: source('../transport-node/src/index.ts') },
      { find: /^@bp\/transport-browser$/, replacement: source('./src/index.ts') },
    ],
  },
  test: {
    name: 'transport-browser',
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // The browser suite starts Chromium once and shares it across its tests.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
