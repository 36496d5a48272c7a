import { defineConfig } from 'vitest/config';

// The web page in a real headless browser (Debian's chromium through playwright-core) against `wrangler dev`.
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    // One Worker and one browser per file; several files at once would fight over two cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
