import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    // Test against the workspace sources, so a run never sees a stale dist.
    alias: [
      { find: /^@bp\/codec$/, replacement: source('../codec/src/index.node.ts') },
      { find: /^@bp\/session$/, replacement: source('../session/src/index.ts') },
      { find: /^@bp\/session\/wire$/, replacement: source('../session/src/wire/index.ts') },
      { find: /^@bp\/transport-node$/, replacement: source('../transport-node/src/index.ts') },
      { find: /^@bp\/redis-adapter$/, replacement: source('./src/index.ts') },
    ],
  },
  test: {
    name: 'redis-adapter',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
