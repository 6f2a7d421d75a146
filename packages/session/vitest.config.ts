import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  // The examples import the package by name, as users do; point that at the sources.
  resolve: { alias: { '@bp/session': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    name: 'session',
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
