// @podfleet/db: the Prisma client built from prisma/schema.prisma, the migration runner and the
// few repository functions whose queries need care (atomic transitions, idempotent creation).

export { createPrismaClient, disconnectPrisma, getPrisma, type PrismaClientOptions } from './client';
export { isUniqueViolation, UNIQUE_CONSTRAINTS } from './errors';
export * from './generated/prisma/client';
export {
  defaultMigrationsDir,
  ensureDatabase,
  ensureMigrated,
  type MigrateOptions,
  type MigrateResult,
  type MigrationFile,
  migrate,
  migrationChecksum,
  readMigrations,
} from './migrations/runner';
export {
  API_KEY_PREFIX_LENGTH,
  type ApiKeyLookup,
  apiKeyLookup,
  createApiKey,
  findActiveKey,
  generateApiKey,
  hashApiKey,
  revokeApiKey,
} from './repositories/apiKeys';
export { createEpisodeOnce, type EpisodeInput, recordListen } from './repositories/episodes';
export { DATABASE_SOCKET_FAILURES } from './repositories/hot-sql';
export {
  ACTIVE_JOB_STATUSES,
  appendEvent,
  beginRun,
  type CompletionDetails,
  type CreateJobInput,
  cancelJob,
  claimWaitingJobs,
  completeJob,
  createJobWithStages,
  type DbClient,
  failJob,
  findIdempotentJob,
  firstUnfinishedStage,
  JOB_STAGES,
  jobStatus,
  markStageCompleted,
  markStageFailed,
  newJobId,
  type ProgressSnapshot,
  type ProgressUpdate,
  type PublishedEpisode,
  publishEpisode,
  type RecordedArtifact,
  type RecordedArtifacts,
  retryJob,
  STAGE_ORDER,
  STAGE_PROGRESS,
  STAGES,
  type StageResult,
  type StageStart,
  type SubmitJobInput,
  startStage,
  submitJob,
  updateProgress,
} from './repositories/jobs';
export { rememberSourceDocument, type SourceDocumentInput } from './repositories/source-documents';
export {
  findRequester,
  markUserSeen,
  newFeedToken,
  type Requester,
  rotateFeedToken,
} from './repositories/users';
