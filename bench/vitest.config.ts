import { defineConfig } from 'vitest/config';

// The root config's unit project collects packages/*/test only; this runs bench/test
// (`npm test -w @hourglass/bench`, after `npm run build`).
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000 },
});
