import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          API_TOKEN: 'test-token',
          TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, 'drizzle')),
        },
      },
    })),
  ],
  test: {
    name: 'workers',
    include: ['test/routes/**/*.test.ts', 'test/model/**/*.test.ts', 'test/db/**/*.test.ts', 'test/worker/**/*.test.ts'],
    setupFiles: ['./test/apply-migrations.ts'],
    testTimeout: 60_000,
  },
});
