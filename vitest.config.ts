import { availableParallelism } from 'node:os';
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
    // Files run side by side on every core (Vitest's default leaves one idle): a file spends most
    // of its time in its own database, so two files on two cores take about half as long.
    maxWorkers: Math.min(availableParallelism(), 4),
    // A worker keeps the modules it has loaded from one file to the next instead of loading the
    // whole service again for each (about a second a file). Tests share no state through modules:
    // each file builds its own app over its own database.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
