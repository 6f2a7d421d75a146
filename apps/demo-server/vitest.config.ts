import { defineProject } from 'vitest/config';

export default defineProject({
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
