import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    // In-process tests run the workspace sources, so a bare `vitest run` never tests a stale dist/
    // of a package (the process and browser tests run the dist/ that global-setup builds).
    alias: [
      { find: /^@bp\/codec$/, replacement: source('../../packages/codec/src/index.node.ts') },
      { find: /^@bp\/session$/, replacement: source('../../packages/session/src/index.ts') },
      { find: /^@bp\/session\/wire$/, replacement: source('../../packages/session/src/wire/index.ts') },
      { find: /^@bp\/transport-node$/, replacement: source('../../packages/transport-node/src/index.ts') },
      { find: /^@bp\/prometheus$/, replacement: source('../../packages/prometheus/src/index.ts') },
      { find: /^@bp\/redis-adapter$/, replacement: source('../../packages/redis-adapter/src/index.ts') },
      {
        find: /^@bp\/transport-browser$/,
        replacement: source('../../packages/transport-browser/src/index.ts'),
      },
    ],
  },
  test: {
    name: 'demo-server',
    include: ['test/**/*.test.ts'],
    // Builds dist/ (server, CLI, dashboard) once, so process and browser tests run the current code.
    globalSetup: ['test/global-setup.ts'],
    // End-to-end tests start processes, Redis and Chromium: give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
