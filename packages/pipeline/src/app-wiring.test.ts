import { parseConfig } from '@podfleet/config';
import { makeTempDir } from '@podfleet/test-kit';
import { createAppDependencies } from './app-wiring';

it("hands a worker's pipeline the configured per-user active-job limit (it starts waiting jobs by it)", async () => {
  const media = await makeTempDir();
  const config = parseConfig('audio', {
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    QUEUE_PREFIX: process.env.QUEUE_PREFIX,
    STORAGE_DIR: media.dir,
    USER_MAX_ACTIVE_JOBS: '7',
  });
  const deps = createAppDependencies('audio-wiring-test', config);
  try {
    expect(deps.pipeline.userMaxActiveJobs).toBe(7);
  } finally {
    await deps.close();
    await media.remove();
  }
});
