import { applyD1Migrations, env } from 'cloudflare:test';

// Every workers test file starts from a migrated local D1 (idempotent: applied migrations are skipped).
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
