// Prisma 7 CLI config, used only by `prisma generate` (scripts/generate.mjs). Migrations are made
// with the Prisma 6 CLI (prisma6.config.ts) and applied by src/migrations/runner.ts.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: '../../prisma/schema.prisma',
  migrations: { path: '../../prisma/migrations' },
});
