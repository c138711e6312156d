// `generate` task: builds the Prisma client into src/generated/prisma (gitignored) from
// prisma/schema.prisma. Offline: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false stops Prisma 7 from
// fetching a native engine it does not need for generation.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const prismaCli = createRequire(join(packageDir, 'package.json')).resolve('prisma/build/index.js');

const started = performance.now();
const result = spawnSync(process.execPath, [prismaCli, 'generate', '--config', 'prisma.config.ts'], {
  cwd: packageDir,
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
    PRISMA_TELEMETRY_DISABLED: '1',
  },
});
if (result.status !== 0) process.exit(result.status ?? 1);
console.log(`prisma client generated in ${Math.round(performance.now() - started)} ms`);
