import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'transport-browser',
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // The browser suite starts Chromium once and shares it across its tests.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
