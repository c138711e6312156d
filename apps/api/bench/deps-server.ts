// The floor of bench/api.ts: a bare Express app that makes, per request, the database and Redis
// round trips of a ticket and nothing else (the rate-limit script beside the requester read, then
// the job lifecycle's submit_job statement and BullMQ flow add), through the same packages and
// connections as the API, then answers 202. The ticket minus this is what the API's own code costs; this minus the
// bare handler is what PostgreSQL and Redis cost at that moment on this machine.
// The bench names the user in `x-bench-user` (no API key lookup: that is the API's own code).
import { loadConfigOrExit } from '@podfleet/config';
import { createPrismaClient, findRequester } from '@podfleet/db';
import {
  closePipelineContext,
  createPipelineContext,
  episodeRequestSchema,
  storageFromConfig,
  submitEpisodeJob,
} from '@podfleet/pipeline';
import { createLogger, createRedis } from '@podfleet/queue';
import express from 'express';
import { RateLimiter } from '../src/services/rate-limit';

const config = loadConfigOrExit('api');
const db = createPrismaClient(config.DATABASE_URL);
const redis = createRedis(config.REDIS_URL, { role: 'producer', name: 'bench-deps' });
const rateLimiter = new RateLimiter(redis, config.QUEUE_PREFIX);
// The same job lifecycle the API drives: submit_job, then the flow's MULTI.
const pipeline = createPipelineContext({
  db,
  redis,
  prefix: config.QUEUE_PREFIX,
  storage: storageFromConfig(config),
  logger: createLogger({ app: 'bench-deps', level: config.LOG_LEVEL }),
  userMaxActiveJobs: config.USER_MAX_ACTIVE_JOBS,
});

const app = express();
app.use(express.json({ limit: '1mb' }));
app.post('/v1/episodes', async (req, res) => {
  const userId = String(req.get('x-bench-user'));
  const [, user] = await Promise.all([
    rateLimiter.hit(`episodes:${userId}`, config.USER_REQUESTS_PER_MINUTE),
    findRequester(db, userId),
  ]);
  if (!user) throw new Error(`no user ${userId}`);
  const request = episodeRequestSchema.parse(req.body);
  const { job } = await submitEpisodeJob(pipeline, { userId, user, request });
  res.status(202).json({ jobId: job.id, status: job.status });
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: 'ready', port, pid: process.pid })}\n`);
});
process.on('SIGTERM', () =>
  server.close(async () => {
    await closePipelineContext(pipeline);
    redis.disconnect();
    await db.$disconnect();
    process.exit(0);
  }),
);
