import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The JSON file lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/*.test.ts'],
          globalSetup: ['test/support/build.ts'],
          // Each file stands up real servers: one at a time on a 2-core machine.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'docker',
          include: ['test/docker/**/*.test.ts'],
          // Builds dist/, then starts a private Docker engine when none answers and builds the images.
          globalSetup: ['test/support/build.ts', 'test/docker/engine.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
