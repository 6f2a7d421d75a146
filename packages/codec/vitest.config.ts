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
    // Property tests compile and run hundreds of cases: 1-2.5 s alone, several times that on a
    // loaded machine (vitest's default is 5 s). Still a bound: a hang fails.
    testTimeout: 30_000,
  },
});
