import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    alias: [
      {
        find: /^@bp\/codec$/,
        replacement: fileURLToPath(new URL('../../packages/codec/src/index.node.ts', import.meta.url)),
      },
    ],
  },
  test: { name: 'test-kit', include: ['test/**/*.test.ts'] },
});
