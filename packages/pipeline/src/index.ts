export {
  type AppDependencies,
  runWorkerApp,
  storageFromConfig,
  tracingFromConfig,
  type WorkerAppOptions,
} from './app-wiring';
export {
  type AudioArtifact,
  type ClipsArtifact,
  type JsonArtifact,
  type JsonArtifactKind,
  jsonArtifactKey,
  readArtifact,
  type SourcesArtifact,
  type StageArtifact,
  writeArtifact,
} from './artifacts';
export { completeClipsJob } from './clips/complete';
export { learnedClipWeights } from './clips/learned-weights';
export {
  type ClipsJobRequest,
  clipsCacheKey,
  clipsJobRequestSchema,
  episodeTopic,
  normaliseClipsRequest,
  timedTranscript,
} from './clips/request';
export { type SubmitClipsInput, submitClipsJob } from './clips/submit';
export {
  closePipelineContext,
  createPipelineContext,
  type PipelineContext,
  type PipelineContextOptions,
} from './context';
export { publishState } from './events';
export { onJobEnded } from './job-end';
export {
  cancelEpisodeJob,
  promoteWaitingJobs,
  reenqueueEpisodeJob,
  retryEpisodeJob,
  SubmitError,
  type SubmitInput,
  type SubmitResult,
  type SubmitUploadInput,
  type SubmitUser,
  submitEpisodeJob,
  submitUploadJob,
} from './lifecycle';
export {
  type EpisodeKind,
  episodeCacheKey,
  isoWeek,
  isValidTimeZone,
  localDate,
  localParts,
  localPeriod,
} from './local-date';
export {
  type AlertSettings,
  asStageFailure,
  checkAlerts,
  DbUnavailableError,
  DEFAULT_MAINTENANCE_EVERY_MS,
  DEFAULT_RECONCILE_GRACE_MS,
  DEFAULT_STAGE_DEADLINES_MS,
  ensureMaintenanceSchedulers,
  isTransientDbError,
  type JobRetentionOptions,
  type JobRetentionResult,
  type LockedResult,
  MAINTENANCE_SCHEDULER_IDS,
  type MaintenanceHandlers,
  type MaintenanceScheduleOptions,
  type MaintenanceTask,
  maintenanceProcessor,
  purgeOldJobs,
  type ReconcileOptions,
  type ReconcileResult,
  reconcile,
  reconcileLockKey,
  type SweepOptions,
  type SweepResult,
  sweepLockKey,
  sweepStuckJobs,
  type WorkerMaintenance,
  type WorkerMaintenanceOptions,
  withRedisLock,
  workerMaintenance,
} from './maintenance';
export { computeDailyFigures, type DayFigures, readDailyFigures } from './operations/daily-figures';
export { type FailureGroup, topFailures } from './operations/failures';
export { oldestWaitingByStage, type QueueStats, readQueueStats } from './operations/queue-stats';
export { type EpisodeRequest, type EpisodeRequestInput, episodeRequestSchema } from './request';
export { copyStageArtifacts } from './reuse-artifacts';
export {
  JobCancelledError,
  type StageOutcome,
  type StageOutput,
  type StageScope,
  type StageWork,
  stageProcessor,
} from './stage-runner';
export { type ScrapeOptions, scrapeStage } from './stages/scrape';
export { publishScriptWriterLanguages, scriptStage } from './stages/script';
export { type EpisodePublishedHook, uploadStage } from './stages/upload';
export {
  firstStageOf,
  UPLOAD_SKIPPED_STAGES,
  type UploadJobRequest,
  uploadDescription,
  uploadJobRequestSchema,
} from './upload-request';
export { type EpisodeView, type JobView, toEpisodeView, toJobView } from './views';
