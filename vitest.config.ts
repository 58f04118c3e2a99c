import { defineConfig } from 'vitest/config';

// One project per kind of test, so CI can run them together and a developer can pick one
// (`npx vitest run --project unit`).
export default defineConfig({
  test: {
    // The matrix reporter turns the conformance run into conformance/reports/latest.json and the
    // printed target table; it stays silent when the conformance project did not run.
    reporters: ['default', './conformance/src/reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts'],
          exclude: ['packages/server/test/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'conformance',
          include: ['conformance/test/**/*.test.ts'],
          globalSetup: ['conformance/test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // Targets share real servers; files run one at a time so they do not contend.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'server',
          include: ['packages/server/test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
