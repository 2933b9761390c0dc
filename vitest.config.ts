import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of the workspace packages, not their build.
    alias: {
      'ras-core': fileURLToPath(new URL('./packages/ras-core/src/index.ts', import.meta.url)),
      '@ras/migrations': fileURLToPath(new URL('./migrations/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts'],
    // Migrates once for the suite; each test file then starts from a copy (test/global-setup.ts).
    globalSetup: ['services/api/test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
