import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // The README examples import '@bp/codec' as users do; run them against the sources.
    alias: [
      { find: /^@bp\/codec$/, replacement: fileURLToPath(new URL('./src/index.node.ts', import.meta.url)) },
    ],
  },
  test: {
    name: 'codec',
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
