import { defineConfig } from 'vitest/config';

// One root run covers every package; `pnpm --filter <pkg> test` runs one project.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'tools/test-kit/vitest.config.ts'],
  },
});
